package io.flowplane.controlplane.state;

import io.flowplane.controlplane.ledger.AppliedTransitions;
import io.flowplane.controlplane.testing.TestDatabase;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records, for the whole control-plane test run, every state transition the ledger actually
 * wrote (through the real code paths: REST, gRPC, scheduler, reaper, claims) into {@link #FILE}.
 * {@link TransitionCoverageCheck} runs after the suite and fails on a row of the table never
 * exercised end to end or a transition written outside it — the unvisited-transition check
 * Temporal runs over its own state machines.
 * Registered through META-INF/services, so every test JVM of this module records.
 */
public final class TransitionRecorder implements TestExecutionListener {
    static final Path DIR = Path.of("target", "state-transitions");
    /** One file per database the suite ran on: the PostgreSQL execution must not overwrite the H2 one's record. */
    static final Path FILE = DIR.resolve("visited-" + (TestDatabase.POSTGRES ? "postgres" : "h2") + ".txt");
    static final String FORBIDDEN_PREFIX = "forbidden ";

    private static final Set<String> VISITED = ConcurrentHashMap.newKeySet();
    private static final Set<String> FORBIDDEN = ConcurrentHashMap.newKeySet();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        AppliedTransitions.observe((from, to, actor) -> {
            String t = line(from, to, actor);
            VISITED.add(t);
            if (!RunStateMachine.allows(from, to, actor)) {
                FORBIDDEN.add(t);
            }
        });
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        AppliedTransitions.observe(null);
        if (VISITED.isEmpty() && FORBIDDEN.isEmpty()) {
            return; // the check's own run (or one that wrote no run): keep what the suite recorded
        }
        List<String> out = new ArrayList<>(new TreeSet<>(VISITED));
        FORBIDDEN.stream().sorted().forEach(f -> out.add(FORBIDDEN_PREFIX + f));
        try {
            Files.createDirectories(FILE.getParent());
            Files.write(FILE, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String line(StateType from, StateType to, Actor actor) {
        return from + " -> " + to + " by " + actor;
    }
}
