package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.agent.testing.AgentProcess;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.ControlPlaneProcess;
import io.flowplane.agent.testing.Elapsed;
import io.flowplane.agent.testing.ExecutionLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control plane (its own JVM, H2 file) is killed with SIGKILL while two agents (their own
 * JVMs) hold several runs and new runs keep arriving, and is back within 15 s. With every lease,
 * heartbeat and fencing setting at its default (lease 30 s, heartbeats every 5 s, SIGKILL 1 s and
 * SIGTERM 3 s before a lease the agent could not renew would run out) no run is CRASHED and no
 * process is stopped: the long runs go on until past the first instant the restarted control plane
 * could expire a lease (a full lease after its start), and print every line once.
 */
class ControlPlaneOutageTest {
    private static final int LONG_RUNS = 6;
    /** Kill to healthy again: the wait before the restart makes the outage about this long. */
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aKillNineOfTheControlPlaneBackWithinFifteenSecondsCrashesNothingAndStopsNothing() throws Exception {
        ExecutionLedger ledger = new ExecutionLedger(dir.resolve("ledger"));
        Path done = dir.resolve("done");
        List<Process> agents = new ArrayList<>();
        AtomicBoolean creating = new AtomicBoolean(true);
        Map<String, Boolean> shortRuns = new ConcurrentHashMap<>();
        try (ControlPlaneProcess cp = new ControlPlaneProcess(dir, "")) {
            long firstStart = System.nanoTime();
            cp.start();
            Duration startTook = Duration.ofNanos(System.nanoTime() - firstStart);
            cp.call("POST", "/api/v1/work-pools", "{\"name\":\"outage\"}");
            deployment(cp, "long", ledger.script("""
                    i=0
                    while [ ! -e '%s' ]; do i=$((i+1)); echo "tick $i"; rec tick; nap 1; done
                    """.formatted(done)));
            deployment(cp, "short", ledger.script("echo hello; nap 0.5; echo bye"));
            for (int i = 0; i < 2; i++) {
                Path yaml = AgentProcess.defaultsYaml(dir, "127.0.0.1:" + cp.grpcPort(), "outage", dir.resolve("agent-" + i), 4);
                agents.add(AgentProcess.start(yaml, dir.resolve("agent-" + i + ".log"), "--name", "agent-" + i));
            }

            List<String> longRuns = new ArrayList<>();
            for (int i = 0; i < LONG_RUNS; i++) {
                longRuns.add(cp.call("POST", "/api/v1/deployments/long/runs", "{}").get("id").asText());
            }
            Thread creator = new Thread(() -> {
                // Short runs every 300 ms, before, during (refused) and after the outage.
                while (creating.get()) {
                    Instant attempt = Instant.now();
                    try {
                        shortRuns.put(cp.call("POST", "/api/v1/deployments/short/runs", "{}").get("id").asText(), true);
                    } catch (Exception | AssertionError e) {
                        // down
                    }
                    Elapsed.since(attempt, Duration.ofMillis(300));
                }
            }, "short-runs");
            creator.setDaemon(true);
            creator.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.executions().keySet().containsAll(longRuns));
            // Past a heartbeat or so: the kill lands anywhere in the agents' 5 s heartbeat cycle.
            Elapsed.since(Instant.now(), Duration.ofSeconds(6));

            cp.killNine();
            Instant killed = Instant.now();
            Elapsed.since(killed, OUTAGE.minus(startTook));
            cp.start();
            Instant back = Instant.now();
            Duration outage = Duration.between(killed, back);
            System.out.printf("control plane kill -9: healthy again %d ms later (a start takes %d ms here)%n",
                    outage.toMillis(), startTook.toMillis());
            assertThat(outage).as("back within 15 s").isLessThan(Duration.ofSeconds(15));
            Elapsed.since(back, Duration.ofSeconds(5));
            creating.set(false);
            creator.join();
            // The long runs go on past the first instant the restarted control plane could expire a lease.
            Elapsed.since(back, Duration.ofSeconds(32));
            java.nio.file.Files.createFile(done);

            List<String> all = new ArrayList<>(longRuns);
            all.addAll(shortRuns.keySet());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> terminal(cp, all));
            for (String run : all) {
                JsonNode r = cp.call("GET", "/api/v1/flow-runs/" + run, null);
                assertThat(r.get("state").get("type").asText()).as("run %s", run).isEqualTo("COMPLETED");
                assertThat(r.get("attempt").asInt()).as("run %s", run).isEqualTo(1);
                // A short run that waited through the outage for a slot may be marked Late on the way.
                assertThat(history(cp, run)).as("run %s", run).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
                ExecutionLedger.Execution only = ledger.only(run);
                assertThat(only.terminated()).as("run %s got SIGTERM", run).isNull();
                assertThat(only.exitCode()).as("run %s", run).isZero();
            }
            for (String run : longRuns) {
                ExecutionLedger.Execution only = ledger.only(run);
                List<String> expected = new ArrayList<>();
                for (int i = 1; i <= only.ticks(); i++) {
                    expected.add("tick " + i);
                }
                assertThat(lines(cp, run)).as("run %s: every line it printed, once", run).isEqualTo(expected);
                assertThat(only.end()).isAfter(back.plusSeconds(31));
            }
            ledger.assertNoOverlap();
            System.out.printf("control plane kill -9 under load: %d runs (%d in flight at the kill), 0 CRASHED, "
                    + "0 processes stopped%n", all.size(), LONG_RUNS);
        } finally {
            creating.set(false);
            agents.forEach(Process::destroyForcibly);
        }
    }

    private static void deployment(ControlPlaneProcess cp, String name, String script) throws Exception {
        cp.call("POST", "/api/v1/deployments", """
                {"name":"%s","flowName":"%s","workPool":"outage","retries":1,"retryDelaysSeconds":[0],
                 "entrypoint":{"command":["sh","-c",%s]}}""".formatted(name, name, Cluster.JSON.writeValueAsString(script)));
    }

    private static boolean terminal(ControlPlaneProcess cp, List<String> runs) throws Exception {
        for (String run : runs) {
            String type = cp.call("GET", "/api/v1/flow-runs/" + run, null).get("state").get("type").asText();
            if (!List.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED").contains(type)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> history(ControlPlaneProcess cp, String run) throws Exception {
        List<String> out = new ArrayList<>();
        cp.call("GET", "/api/v1/flow-runs/" + run + "/states", null).forEach(s -> {
            if (!s.path("name").asText().equals("Late")) {
                out.add(s.get("type").asText());
            }
        });
        return out;
    }

    private static List<String> lines(ControlPlaneProcess cp, String run) throws Exception {
        List<String> out = new ArrayList<>();
        cp.call("GET", "/api/v1/flow-runs/" + run + "/logs?limit=10000", null).get("lines")
                .forEach(l -> out.add(l.get("message").asText()));
        return out;
    }
}
