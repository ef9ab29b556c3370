package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.util.Duration;
import io.flowplane.agent.testing.AgentProcess;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.Elapsed;
import io.flowplane.agent.testing.ExecutionLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent in its own JVM dies with SIGKILL while it holds a run whose flow process records every
 * execution in an {@link ExecutionLedger}. Without a restart, the run's process tree is stopped by
 * its watchdog before the lease can expire and the retry starts on another agent only after it;
 * with a restart on the same state directory the new incarnation adopts the run (still running, or
 * exited meanwhile) and it completes as attempt 1, executed once, its output stored exactly once.
 * Every deployment allows a retry, so a run that was lost would show as a second execution.
 */
class AgentDeathTest {
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anAgentThatNeverComesBackHasItsQuietProcessStoppedBeforeTheRetryStarts() throws Exception {
        ExecutionLedger ledger = new ExecutionLedger(dir.resolve("ledger"));
        Process doomed = null;
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(5))) {
            cluster.pool("gone");
            cluster.deployment("quiet", "gone", List.of("sh", "-c", ledger.script("""
                    if [ "$FLOWPLANE_ATTEMPT" = 1 ]; then nap 60; else echo "retry done"; fi
                    """)), Map.of(), 1, null, null);
            doomed = AgentProcess.start(AgentProcess.yaml(dir, "127.0.0.1:" + cluster.grpcPort(), "gone",
                    dir.resolve("doomed"), ""), dir.resolve("doomed.log"), "--name", "doomed");

            String run = cluster.run("quiet");
            await().atMost(WAIT).until(() -> ledger.attempt(run, 1).isPresent() && cluster.stateType(run).equals("RUNNING"));
            long pid = ledger.attempt(run, 1).orElseThrow().pid();
            // The rescuer polls from now on: the retry starts the moment the run is CRASHED.
            Agent rescuer = cluster.startAgent("gone");

            AgentProcess.killNine(doomed);
            Instant died = Instant.now();
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));

            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CRASHED", "SCHEDULED",
                    "PENDING", "RUNNING", "COMPLETED");
            assertThat(cluster.flowRun(run).get("agentId").asText()).isEqualTo(rescuer.agentId());
            assertThat(cluster.flowRun(run).get("attempt").asInt()).isEqualTo(2);
            ExecutionLedger.Execution first = ledger.attempt(run, 1).orElseThrow();
            ExecutionLedger.Execution retry = ledger.attempt(run, 2).orElseThrow();
            assertThat(first.terminated()).as("the first attempt got SIGTERM from its watchdog").isNotNull();
            Instant crashed = stateAt(cluster, run, "CRASHED");
            assertThat(first.lastWrite()).as("stopped before the lease expired").isBefore(crashed);
            assertThat(retry.othersAliveAtStart()).as("processes of the first attempt alive at the retry's start").isZero();
            ledger.assertNoOverlap();
            assertThat(CancellationTest.alive(pid)).isFalse();
            System.out.printf("agent kill -9, no restart (lease 5 s): process stopped %d ms, CRASHED %d ms, retry started "
                            + "%d ms after the agent died%n", ExecutionLedger.millis(died, first.lastWrite()),
                    ExecutionLedger.millis(died, crashed), ExecutionLedger.millis(died, retry.start()));
        } finally {
            if (doomed != null) {
                doomed.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anAgentRestartedOnItsStateDirectoryAdoptsItsQuietRunAndLosesNoLine() throws Exception {
        ExecutionLedger ledger = new ExecutionLedger(dir.resolve("ledger"));
        Path killed = dir.resolve("killed");
        Path back = dir.resolve("back");
        Process agent = null;
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(20))) {
            cluster.pool("blink");
            cluster.deployment("quiet", "blink", List.of("sh", "-c", ledger.script("""
                    for i in 1 2 3; do echo "before $i"; done
                    await_file '%s'
                    for i in 1 2 3; do echo "during $i"; done
                    rec tick
                    await_file '%s'
                    for i in 1 2 3; do echo "after $i"; done
                    """.formatted(killed, back))), Map.of(), 1, null, null);
            Path yaml = AgentProcess.yaml(dir, "127.0.0.1:" + cluster.grpcPort(), "blink", dir.resolve("state"), "");
            agent = AgentProcess.start(yaml, dir.resolve("agent-1.log"));

            String run = cluster.run("quiet");
            await().atMost(WAIT).until(() -> cluster.logMessages(run).contains("before 3"));
            AgentProcess.killNine(agent);
            Instant died = Instant.now();
            // Printed while no agent runs: it waits in the run's output file.
            Files.createFile(killed);
            await().atMost(WAIT).until(() -> ledger.only(run).ticks() == 1);
            Elapsed.since(died, java.time.Duration.ofSeconds(5));

            agent = AgentProcess.start(yaml, dir.resolve("agent-2.log"));
            Instant restarted = Instant.now();
            await().atMost(WAIT).until(() -> cluster.logMessages(run).contains("during 3"));
            Files.createFile(back);
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));

            assertThat(cluster.logMessages(run)).containsExactly("before 1", "before 2", "before 3", "during 1", "during 2",
                    "during 3", "after 1", "after 2", "after 3");
            assertThat(cluster.flowRun(run).get("attempt").asInt()).isEqualTo(1);
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
            ExecutionLedger.Execution only = ledger.only(run);
            assertThat(only.exitCode()).isZero();
            assertThat(only.terminated()).isNull();
            ledger.assertNoOverlap();
            assertThat(Files.readString(dir.resolve("agent-2.log"))).contains("adopted");
            System.out.printf("agent kill -9, restarted %d ms later: the run went on as attempt 1, executed once%n",
                    ExecutionLedger.millis(died, restarted));
        } finally {
            if (agent != null) {
                agent.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anOutcomeTheAgentDiedBeforeShippingIsReportedByItsNextIncarnation() throws Exception {
        ExecutionLedger ledger = new ExecutionLedger(dir.resolve("ledger"));
        Path finish = dir.resolve("finish");
        Path stateDir = dir.resolve("state");
        Process agent = null;
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(20))) {
            cluster.pool("exit");
            cluster.deployment("finisher", "exit", List.of("sh", "-c", ledger.script("""
                    echo working
                    await_file '%s'
                    echo finished
                    """.formatted(finish))), Map.of(), 1, null, null);
            Path yaml = AgentProcess.yaml(dir, "127.0.0.1:" + cluster.grpcPort(), "exit", stateDir, "");
            agent = AgentProcess.start(yaml, dir.resolve("agent-1.log"));

            String run = cluster.run("finisher");
            await().atMost(WAIT).until(() -> cluster.logMessages(run).contains("working"));
            Path exitFile = stateDir.resolve("runs").resolve(run + "-" + cluster.flowRun(run).get("leaseEpoch").asLong())
                    .resolve("exit");
            // Frozen, the agent cannot see the exit; killed then, it dies with the outcome unshipped.
            AgentProcess.signal(agent, "STOP");
            Files.createFile(finish);
            await().atMost(WAIT).until(() -> Files.exists(exitFile) && ledger.only(run).ended());
            AgentProcess.killNine(agent);
            assertThat(cluster.stateType(run)).isEqualTo("RUNNING");
            assertThat(cluster.logMessages(run)).containsExactly("working");

            agent = AgentProcess.start(yaml, dir.resolve("agent-2.log"));
            Instant restarted = Instant.now();
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
            System.out.printf("exit while the agent was down: its next incarnation reported COMPLETED %d ms after it "
                    + "was started%n", ExecutionLedger.millis(restarted, stateAt(cluster, run, "COMPLETED")));
            JsonNode state = cluster.flowRun(run);
            assertThat(state.get("attempt").asInt()).isEqualTo(1);
            assertThat(state.get("state").get("message").asText()).isEqualTo("exit code 0");
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
            assertThat(cluster.logMessages(run)).containsExactly("working", "finished");
            assertThat(ledger.only(run).exitCode()).isZero();
            ledger.assertNoOverlap();
        } finally {
            if (agent != null) {
                agent.destroyForcibly();
            }
        }
    }

    /** When the run's history first entered {@code type} (the control plane's clock). */
    static Instant stateAt(Cluster cluster, String run, String type) throws Exception {
        for (JsonNode s : cluster.get("/api/v1/flow-runs/" + run + "/states")) {
            if (s.get("type").asText().equals(type)) {
                return Instant.parse(s.get("at").asText());
            }
        }
        throw new AssertionError("run " + run + " never was " + type);
    }
}
