package io.flowplane.sdk.internal;

import io.flowplane.sdk.FlowRunResult;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The few lines a flow program prints when its run ends. */
public final class Summary {
    private static final int MAX_FAILURES_SHOWN = 10;

    private Summary() {
    }

    public static void print(FlowRunResult<?> r, PrintStream out) {
        Map<String, Long> byState = r.taskRuns().stream()
                .collect(Collectors.groupingBy(t -> t.state().name(), TreeMap::new, Collectors.counting()));
        out.printf("Flow run %s (%s, %s): %s in %d ms — %d task run(s) %s, %d subflow run(s), %d artifact(s)%n",
                r.name(), r.flowName(), r.id(), r.state(), r.duration().toMillis(), r.taskRuns().size(), byState,
                r.subflowRuns().size(), r.artifacts().size());
        r.taskRuns().stream().filter(t -> !t.state().isCompleted()).limit(MAX_FAILURES_SHOWN)
                .forEach(t -> out.printf("  %s %s after %d attempt(s): %s%n", t.name(), t.state(), t.attempts(),
                        t.message()));
        if (r.resultRef() != null) {
            out.printf("  result: %s (%s)%n", r.resultRef().uri(), r.resultRef().hash());
        }
        if (r.error() != null) {
            out.printf("  error: %s%n", r.error());
        }
    }
}
