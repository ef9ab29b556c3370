package io.flowplane.agent;

import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.testing.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Measures dispatch latency on an idle agent: a run created through the REST API (the clock starts
 * before the request is sent) until its process has started, over 500 runs one after another.
 * Prints p50/p99; a measurement, not a timed assertion.
 */
class DispatchLatencyTest {
    private static final int RUNS = 500;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void dispatchLatencyOnAnIdleAgent() throws Exception {
        Map<String, Long> started = new ConcurrentHashMap<>();
        try (Cluster cluster = Cluster.start(dir, c -> { })) {
            cluster.pool("latency");
            cluster.shellDeployment("noop", "latency", "true");
            cluster.startAgent(cluster.agentConfig("latency", cluster.grpcPort()),
                    Agent.Options.defaults().withListener(new RunSupervisor.Listener() {
                        @Override
                        public void started(String runId, long epoch, long pid) {
                            started.put(runId, System.nanoTime());
                        }
                    }));
            for (int i = 0; i < 20; i++) { // warm-up
                String run = cluster.run("noop");
                await().until(() -> started.containsKey(run));
            }
            long[] micros = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                await().pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(1))
                        .until(() -> cluster.controlPlane().services().dispatcher().waitingPolls() > 0);
                long t0 = System.nanoTime();
                String run = cluster.run("noop");
                await().pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(1))
                        .until(() -> started.containsKey(run));
                micros[i] = (started.get(run) - t0) / 1000;
            }
            Arrays.sort(micros);
            System.out.printf("metric dispatch_latency_p50 %.2f ms%n", micros[RUNS / 2] / 1000.0);
            System.out.printf("metric dispatch_latency_p99 %.2f ms%n", micros[RUNS * 99 / 100] / 1000.0);
            System.out.printf("metric dispatch_latency_max %.2f ms%n", micros[RUNS - 1] / 1000.0);
            assertThat(micros[0]).isPositive();
        }
    }
}
