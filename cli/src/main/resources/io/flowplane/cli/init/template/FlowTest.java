package {{package}};

import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.State;
import io.flowplane.sdk.testing.FlowTester;
import io.flowplane.sdk.testing.FlowplaneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the flow in-process with the SDK's test engine: no server, no agent. */
@ExtendWith(FlowplaneExtension.class)
class {{class}}Test {

    @Test
    void greetsAsOftenAsAsked(FlowTester tester) {
        FlowRunResult<List<String>> run = tester.run({{class}}.FLOW, new {{class}}.Params("you", 2));

        assertEquals(State.COMPLETED, run.state(), String.valueOf(run.error()));
        assertEquals(List.of("Hello, you!", "Hello, you!"), run.result());
        assertEquals(2, run.taskRuns("greet").size());
    }

    @Test
    void failsOnABadParameter(FlowTester tester) {
        assertEquals(State.FAILED, tester.run({{class}}.FLOW, new {{class}}.Params("you", 0)).state());
    }
}
