package {{package}};

import io.flowplane.sdk.Flow;
import io.flowplane.sdk.Flowplane;
import io.flowplane.sdk.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * An example flow: greets someone a few times, one task run per greeting. Replace it with yours;
 * `main` runs it locally, under a Flowplane agent, or against a control plane (the environment decides).
 */
public final class {{class}} {
    private {{class}}() {
    }

    /** The flow's typed parameters; Flowplane derives their JSON Schema from this record. */
    public record Params(String who, int times) {
        public static Params defaults() {
            return new Params("world", 3);
        }
    }

    static final Task<String, String> GREET = Task.of("greet", who -> "Hello, " + who + "!");

    public static final Flow<Params, List<String>> FLOW = Flow.of("{{flow_name}}", Params.class, p -> {
        if (p.times() < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + p.times());
        }
        List<String> greetings = new ArrayList<>();
        for (int i = 0; i < p.times(); i++) {
            String greeting = GREET.call(p.who());
            System.out.println(greeting);
            greetings.add(greeting);
        }
        return greetings;
    });

    public static void main(String[] args) {
        Flowplane.main(FLOW, Params.defaults(), args);
    }
}
