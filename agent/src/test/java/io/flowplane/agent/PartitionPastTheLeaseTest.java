package io.flowplane.agent;

import io.dropwizard.util.Duration;
import io.flowplane.agent.testing.AgentProcess;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.Elapsed;
import io.flowplane.agent.testing.ExecutionLedger;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent in its own JVM reaches the control plane through a proxy that is cut for twice the
 * lease while its run works: the agent (or, should it be slow, the run's watchdog) stops the
 * process before the control plane's lease can expire — the flow's last write to its ledger comes
 * before the CRASHED instant — the retry runs on a second agent, and what the cut-off agent sends
 * once the proxy is back is refused: nothing it printed after the cut is stored.
 */
class PartitionPastTheLeaseTest {
    private static final int LEASE_SECONDS = 4;
    private static final Pattern TICK = Pattern.compile("a1 tick (\\d+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theCutOffAgentStopsItsRunBeforeTheLeaseExpiresAndItsLateReportsAreRefused() throws Exception {
        ExecutionLedger ledger = new ExecutionLedger(dir.resolve("ledger"));
        Process cutOff = null;
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(LEASE_SECONDS));
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("cut");
            cluster.deployment("worker", "cut", List.of("sh", "-c", ledger.script("""
                    if [ "$FLOWPLANE_ATTEMPT" = 1 ]; then
                      i=0
                      while :; do i=$((i+1)); echo "a1 tick $i"; rec tick; nap 0.1; done
                    fi
                    echo "a2 done"
                    """)), Map.of(), 1, null, null);
            cutOff = AgentProcess.start(AgentProcess.yaml(dir, "127.0.0.1:" + proxy.port(), "cut", dir.resolve("cut-off"), ""),
                    dir.resolve("cut-off.log"), "--name", "cut-off");

            String run = cluster.run("worker");
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cluster.logMessages(run).contains("a1 tick 5"));
            Agent second = cluster.startAgent("cut");

            proxy.cut();
            Instant cut = Instant.now();
            // A batch in flight at the cut may still be stored: what is stored once that settled.
            List<String> storedAtCut = new ArrayList<>();
            await().pollInterval(java.time.Duration.ofMillis(100)).atMost(java.time.Duration.ofSeconds(3)).until(() -> {
                List<String> now = cluster.logMessages(run);
                boolean settled = now.equals(storedAtCut);
                storedAtCut.clear();
                storedAtCut.addAll(now);
                return settled && ExecutionLedger.millis(cut, Instant.now()) > 500;
            });
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            List<String> historyAfterRetry = cluster.history(run);
            assertThat(historyAfterRetry).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CRASHED", "SCHEDULED",
                    "PENDING", "RUNNING", "COMPLETED");
            assertThat(cluster.flowRun(run).get("agentId").asText()).isEqualTo(second.agentId());

            // The cut lasts twice the lease; then the cut-off agent ships its spool again.
            Elapsed.since(cut, java.time.Duration.ofSeconds(2L * LEASE_SECONDS));
            int sentBeforeRestore = proxy.sentByClients().length;
            proxy.restore();
            Instant restored = Instant.now();
            await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !unstoredTicks(proxy, sentBeforeRestore,
                    storedAtCut).isEmpty());

            System.out.printf("partition: refused lines seen %d ms after the restore%n",
                    ExecutionLedger.millis(restored, Instant.now()));
            List<String> expected = new ArrayList<>(storedAtCut);
            expected.add("a2 done");
            // Whatever the cut-off agent sends in the next second changes nothing either.
            await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(3))
                    .until(() -> cluster.logMessages(run).equals(expected) && cluster.history(run).equals(historyAfterRetry));

            ExecutionLedger.Execution first = ledger.attempt(run, 1).orElseThrow();
            ExecutionLedger.Execution retry = ledger.attempt(run, 2).orElseThrow();
            Instant crashed = AgentDeathTest.stateAt(cluster, run, "CRASHED");
            assertThat(first.terminated()).as("stopped by SIGTERM from its own agent or watchdog").isNotNull();
            assertThat(first.lastWrite()).as("the first attempt's last write comes before the lease expired").isBefore(crashed);
            assertThat(first.lastWrite()).isBefore(restored);
            assertThat(retry.othersAliveAtStart()).isZero();
            ledger.assertNoOverlap();
            System.out.printf("partition of %d s (lease %d s): process stopped %d ms after the cut and %d ms before "
                            + "CRASHED (%d ms after the cut); retry started %d ms after the cut; %d refused lines sent "
                            + "after the restore%n", LEASE_SECONDS * 2, LEASE_SECONDS, ExecutionLedger.millis(cut, first.lastWrite()),
                    ExecutionLedger.millis(first.lastWrite(), crashed), ExecutionLedger.millis(cut, crashed),
                    ExecutionLedger.millis(cut, retry.start()), unstoredTicks(proxy, sentBeforeRestore, storedAtCut).size());
        } finally {
            if (cutOff != null) {
                cutOff.destroyForcibly();
            }
        }
    }

    /** Tick lines the agent sent after the restore that the control plane does not hold. */
    private static List<String> unstoredTicks(TcpProxy proxy, int from, List<String> stored) {
        byte[] all = proxy.sentByClients();
        String sent = new String(Arrays.copyOfRange(all, from, all.length), StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        Matcher m = TICK.matcher(sent);
        while (m.find()) {
            if (!stored.contains(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }
}
