package io.flowplane.agent;

import io.dropwizard.util.Duration;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A loopback proxy between agent and control plane is cut while a run prints lines: after it is
 * restored no line is lost or stored twice and the run completes. If the cut outlasts the lease,
 * the agent stops its process before the lease can expire (it could not renew it), and once back
 * its late reports change nothing.
 */
class PartitionTest {
    private static final String PRINT_120 =
            "i=0; while [ $i -lt 120 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void cutAndRestoreLosesAndDuplicatesNothing() throws Exception {
        try (Cluster cluster = Cluster.start(dir, c -> { });
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("partition");
            cluster.shellDeployment("printer", "partition", PRINT_120);
            cluster.startAgent(cluster.agentConfig("partition", proxy.port()), Agent.Options.defaults());

            String run = cluster.run("printer");
            await().atMost(java.time.Duration.ofSeconds(20)).until(() -> cluster.logMessages(run).size() >= 10);
            proxy.cut();
            int storedAtCut = cluster.logMessages(run).size();
            // The partition itself lasts 4 s: the run keeps printing into the spool, nothing arrives.
            await().during(java.time.Duration.ofSeconds(4)).atMost(java.time.Duration.ofSeconds(6))
                    .until(() -> cluster.logMessages(run).size() == storedAtCut);
            proxy.restore();

            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).isEqualTo(expectedLines());
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anAgentCutOffPastItsLeaseStopsItsProcessBeforeTheLeaseExpiresAndIsFencedWhenBack() throws Exception {
        Map<String, Long> pids = new ConcurrentHashMap<>();
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(2));
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("fence");
            cluster.shellDeployment("forever", "fence", "while true; do echo tick; sleep 0.1; done");
            cluster.startAgent(cluster.agentConfig("fence", proxy.port()),
                    Agent.Options.defaults().withListener(new RunSupervisor.Listener() {
                        @Override
                        public void started(String runId, long epoch, long pid) {
                            pids.put(runId, pid);
                        }
                    }));

            String run = cluster.run("forever");
            await().atMost(java.time.Duration.ofSeconds(20)).until(() -> cluster.logMessages(run).size() >= 5);
            proxy.cut();
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> cluster.stateType(run).equals("CRASHED"));
            List<String> history = cluster.history(run);
            int lines = cluster.logMessages(run).size();
            long pid = pids.get(run);
            assertThat(CancellationTest.alive(pid)).as("stopped by its own agent before the lease expired").isFalse();

            proxy.restore();
            // Whatever the agent still sends in the next second changes nothing.
            await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(3))
                    .until(() -> cluster.stateType(run).equals("CRASHED") && cluster.logMessages(run).size() == lines);
            assertThat(cluster.history(run)).isEqualTo(history);
            assertThat(cluster.logMessages(run)).hasSize(lines);
        }
    }

    static List<String> expectedLines() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            expected.add("line " + i);
        }
        return expected;
    }
}
