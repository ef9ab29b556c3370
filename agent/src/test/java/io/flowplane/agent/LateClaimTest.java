package io.flowplane.agent;

import io.dropwizard.util.Duration;
import io.flowplane.agent.testing.AgentProcess;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.ExecutionLedger;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A claim whose answer is held up in the network longer than the lease: the control plane claimed
 * the run for an agent whose long poll was waiting, the answer did not arrive, the lease expired,
 * the run crashed and its retry started on a second agent. When the old answer finally arrives the
 * first agent must not start the run: its lease began when the control plane claimed it, not when
 * the answer arrived (found in the issue-13 drill: the agent counted from the arrival and ran
 * attempt 1 beside attempt 2 until its own fence, 7 s with a 10 s lease).
 */
class LateClaimTest {
    private static final int LEASE_SECONDS = 4;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aClaimThatArrivesAfterItsLeaseCouldHaveExpiredIsNotStarted() throws Exception {
        ExecutionLedger ledger = new ExecutionLedger(dir.resolve("ledger"));
        Process late = null;
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(LEASE_SECONDS));
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("late");
            cluster.deployment("worker", "late", List.of("sh", "-c", ledger.script("""
                    i=0
                    while [ $i -lt 40 ]; do rec tick; nap 0.1; i=$((i+1)); done
                    """)), Map.of(), 1, null, null);
            // One slot: once it holds the run it has no other poll waiting that could claim the retry too.
            late = AgentProcess.start(AgentProcess.defaultsYaml(dir, "127.0.0.1:" + proxy.port(), "late", dir.resolve("late"), 1),
                    dir.resolve("late.log"), "--name", "late");
            // A first run shows the agent is polling; the poll it sends after that one ends waits on the server.
            String warmUp = cluster.run("worker");
            await().atMost(java.time.Duration.ofSeconds(60)).until(() -> cluster.stateType(warmUp).equals("COMPLETED"));
            await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> cluster.controlPlane().services().execution().dispatcher().waitingPolls() > 0);

            proxy.hold();
            String run = cluster.run("worker");
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> cluster.stateType(run).equals("PENDING"));
            String heldBy = cluster.flowRun(run).get("agentId").asText();

            Agent second = cluster.startAgent("late");
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> ledger.attempt(run, 2).isPresent());
            assertThat(cluster.flowRun(run).get("agentId").asText()).isEqualTo(second.agentId()).isNotEqualTo(heldBy);

            // The claim's answer arrives now, its lease long gone; the agent still cannot report.
            proxy.releaseDown();
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            // Never, for long enough for the late agent to have started attempt 1 and for its fence to have stopped it.
            await().during(java.time.Duration.ofSeconds(LEASE_SECONDS))
                    .atMost(java.time.Duration.ofSeconds(LEASE_SECONDS + 5)).until(() -> ledger.attempt(run, 1).isEmpty());
            proxy.restore();

            System.out.println("late agent's log:\n" + java.nio.file.Files.readString(dir.resolve("late.log")));
            assertThat(ledger.attempt(run, 1)).as("attempt 1, claimed by the agent whose answer was held up").isEmpty();
            ledger.assertNoOverlap();
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "CRASHED", "SCHEDULED", "PENDING",
                    "RUNNING", "COMPLETED");
        } finally {
            if (late != null) {
                late.destroyForcibly();
                late.waitFor();
            }
        }
    }
}
