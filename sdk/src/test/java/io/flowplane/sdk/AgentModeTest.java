package io.flowplane.sdk;

import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mode 2: under an agent. The process reads docs/run-environment.md's variables and reports to
 * the relay (a real gRPC server in the test) — states, task runs, logs and artifacts — and exits
 * with the flow's outcome.
 */
class AgentModeTest {
    static final String CANARY = "canary-7f3a9c-never-leaves-home";
    static final String TOKEN = "run-token-123";

    record Params(int items, boolean fail) {
    }

    static final Task<Integer, String> secret = Task.of("secret", i -> {
        System.out.println("working on item " + i);
        LoggerFactory.getLogger("agent-mode").info("logged for item {}", i);
        return CANARY + "-" + i;
    });

    static final Flow<Integer, Integer> child = Flow.of("child", Integer.class, n -> secret.call(n).length());

    static final Flow<Params, Integer> flow = Flow.of("agent-demo", Params.class, p -> {
        List<String> values = secret.map(IntStream.range(0, p.items()).boxed().toList());
        Artifacts.markdown("summary", "# " + values.size() + " items");
        if (p.fail()) {
            throw new IllegalStateException("asked to fail");
        }
        return child.call(99);
    });

    @TempDir
    Path dir;
    FakeRelay relay;
    UUID runId = UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        relay = new FakeRelay();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private Map<String, String> env(String paramsJson) throws Exception {
        Path params = dir.resolve("params.json");
        Files.writeString(params, paramsJson);
        Map<String, String> env = new HashMap<>();
        env.put("FLOWPLANE_RUN_ID", runId.toString());
        env.put("FLOWPLANE_LEASE_EPOCH", "7");
        env.put("FLOWPLANE_ATTEMPT", "1");
        env.put("FLOWPLANE_FLOW_NAME", "agent-demo");
        env.put("FLOWPLANE_PARAMETERS_FILE", params.toString());
        env.put("FLOWPLANE_EVENTS_ENDPOINT", relay.target());
        env.put("FLOWPLANE_EVENTS_TOKEN", TOKEN);
        env.put("FLOWPLANE_RESULTS_DIR", dir.resolve("results").toString());
        return env;
    }

    private int runMain(String paramsJson) throws Exception {
        return Flowplane.run(flow, new Params(1, false), new String[0], env(paramsJson),
                new PrintStream(new ByteArrayOutputStream(), true));
    }

    @Test
    void reportsStatesTaskRunsLogsAndArtifactsAndExitsZero() throws Exception {
        assertThat(runMain("{\"items\": 3}")).isZero();
        List<RunEvent> events = relay.events();
        assertThat(relay.authorizations).containsOnly("Bearer " + TOKEN);
        assertThat(events).extracting(RunEvent::getSeq).as("numbered 1, 2, 3… without gaps")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, events.size()).mapToObj(i -> (long) i).toList());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getRunId()).isEqualTo(runId.toString());
            assertThat(e.getLeaseEpoch()).isEqualTo(7);
        });

        List<RunEvent> tasks = events.stream().filter(RunEvent::hasTaskRun).toList();
        Map<String, List<StateType>> byTask = new HashMap<>();
        tasks.forEach(e -> byTask.computeIfAbsent(e.getTaskRun().getName(), k -> new java.util.ArrayList<>())
                .add(e.getTaskRun().getType()));
        assertThat(byTask).containsOnlyKeys("secret-1", "secret-2", "secret-3", "subflow:child-1",
                "subflow:child-1/secret-1");
        assertThat(byTask.values()).allSatisfy(s -> assertThat(s).containsExactly(StateType.RUNNING, StateType.COMPLETED));
        assertThat(tasks).filteredOn(e -> e.getTaskRun().getType() == StateType.COMPLETED).allSatisfy(e -> {
            assertThat(e.getTaskRun().getResultUri()).startsWith("file:");
            assertThat(e.getTaskRun().getResultHash()).startsWith("sha256:");
        });

        String secret1 = tasks.stream().filter(e -> e.getTaskRun().getName().equals("secret-1")).findFirst()
                .orElseThrow().getTaskRun().getTaskRunId();
        assertThat(events).filteredOn(e -> e.hasLog() && e.getLog().getTaskRunId().equals(secret1))
                .extracting(e -> e.getLog().getMessage())
                .containsExactlyInAnyOrder("working on item 0", "agent-mode: logged for item 0");
        assertThat(events).filteredOn(RunEvent::hasArtifact).singleElement()
                .satisfies(e -> assertThat(e.getArtifact().getData()).isEqualTo("# 3 items"));

        List<RunEvent> states = events.stream().filter(RunEvent::hasState).toList();
        assertThat(states).as("one final state for the run; the subflow reports inside it, not as its own run")
                .singleElement().satisfies(e -> {
                    assertThat(e.getState().getType()).isEqualTo(StateType.COMPLETED);
                    assertThat(e.getState().getIdempotencyId()).isNotEmpty();
                });
        assertThat(events.get(events.size() - 1).hasState()).isTrue();
        assertThat(events).as("results stay home: no event carries a returned value")
                .noneSatisfy(e -> assertThat(e.toByteString().toString(StandardCharsets.UTF_8)).contains(CANARY + "-"));
    }

    @Test
    void aFailingFlowReportsFailedAndExitsNonZero() throws Exception {
        assertThat(runMain("{\"items\": 1, \"fail\": true}")).isEqualTo(1);
        RunEvent last = relay.events().get(relay.events().size() - 1);
        assertThat(last.getState().getType()).isEqualTo(StateType.FAILED);
        assertThat(last.getState().getMessage()).contains("asked to fail");
    }

    @Test
    void failedCallsAndPartialAcksAreResentUntilEverythingIsStoredOnce() throws Exception {
        relay.failFirstCalls = 2;
        relay.ackHalfOfEachBatch = true;
        assertThat(runMain("{\"items\": 20}")).isZero();
        List<RunEvent> events = relay.events();
        assertThat(relay.calls.get()).isGreaterThan(3);
        assertThat(events).extracting(RunEvent::getSeq)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, events.size()).mapToObj(i -> (long) i).toList());
        assertThat(events).filteredOn(e -> e.hasTaskRun() && e.getTaskRun().getType() == StateType.COMPLETED)
                .hasSize(22);
        assertThat(events).filteredOn(e -> e.hasTaskRun() && e.getTaskRun().getType() == StateType.COMPLETED)
                .extracting(e -> e.getTaskRun().getTaskRunId()).doesNotHaveDuplicates();
        assertThat(events.get(events.size() - 1).getState().getType()).isEqualTo(StateType.COMPLETED);
    }

    @Test
    void aStaleLeaseStopsTheRunFromStartingTasks() throws Exception {
        relay.stale = e -> e.hasTaskRun();
        Task<Integer, Integer> probe = Task.of("probe", i -> i);
        Flow<Params, Integer> looping = Flow.of("looping", Params.class, p -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int n = 0;
            // Starts tasks back to back until the stale answer to the first report stops it.
            while (System.nanoTime() < deadline) {
                n += probe.call(1);
            }
            return n;
        });
        int code = Flowplane.run(looping, new Params(0, false), new String[0], env("{}"),
                new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(code).isEqualTo(1);
        RunEvent last = relay.events().get(relay.events().size() - 1);
        assertThat(last.getState().getType()).isEqualTo(StateType.CRASHED);
        assertThat(last.getState().getMessage()).contains("stale lease");
    }
}
