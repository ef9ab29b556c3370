package io.flowplane.agent;

import io.dropwizard.util.Duration;
import io.flowplane.agent.testing.AgentProcess;
import io.flowplane.agent.testing.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent in its own JVM is killed with SIGKILL while its run is RUNNING: the run becomes CRASHED
 * within the lease (3 s here), its concurrency slot (deployment limit 1) is released, and the retry
 * is executed by another agent. SIGTERM, by contrast, is a graceful stop.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void killNineCrashesTheRunWithinTheLeaseAndAnotherAgentRetriesIt() throws Exception {
        Path pidFile = dir.resolve("first-attempt.pid");
        Process agentJvm = null;
        try (Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(3))) {
            cluster.pool("crash");
            cluster.deployment("crashy", "crash", List.of("sh", "-c",
                            "if [ \"$FLOWPLANE_ATTEMPT\" = 1 ]; then echo $$ > " + pidFile + "; echo first; sleep 60; "
                                    + "else echo \"second attempt\"; fi"),
                    Map.of(), 1, null, 1);
            Path yaml = AgentProcess.yaml(dir, "127.0.0.1:" + cluster.grpcPort(), "crash", dir.resolve("jvm-agent"), "");
            agentJvm = AgentProcess.start(yaml, dir.resolve("jvm-agent.log"), "--name", "doomed");

            String run = cluster.run("crashy");
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cluster.logMessages(run).contains("first"));
            String doomed = cluster.flowRun(run).get("agentId").asText();
            assertThat(cluster.stateType(run)).isEqualTo("RUNNING");

            agentJvm.destroyForcibly();
            assertThat(agentJvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
                    .until(() -> cluster.history(run).contains("CRASHED"));
            long crashedAfter = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("kill -9: run CRASHED %d ms after the agent died (lease 3000 ms)%n", crashedAfter);
            assertThat(crashedAfter).isLessThan(3000 + 1500);

            // The retry can only be claimed if the crash released the deployment's single slot.
            Agent rescuer = cluster.startAgent("crash");
            await().atMost(java.time.Duration.ofSeconds(20)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CRASHED", "SCHEDULED",
                    "PENDING", "RUNNING", "COMPLETED");
            assertThat(cluster.flowRun(run).get("agentId").asText()).isEqualTo(rescuer.agentId()).isNotEqualTo(doomed);
            assertThat(cluster.logMessages(run)).containsExactly("first", "second attempt");
        } finally {
            if (agentJvm != null) {
                agentJvm.destroyForcibly();
            }
            // Its watchdog stopped the first attempt before the lease ran out (AgentDeathTest checks
            // that); should it have failed, nothing of it outlives the test.
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigtermLetsTheRunFinishAndFlushesTheSpool() throws Exception {
        try (Cluster cluster = Cluster.start(dir, c -> { })) {
            cluster.pool("term");
            cluster.shellDeployment("finisher", "term", "echo begin; sleep 1; echo end");
            Path yaml = AgentProcess.yaml(dir, "127.0.0.1:" + cluster.grpcPort(), "term", dir.resolve("term-agent"), "");
            Process agentJvm = AgentProcess.start(yaml, dir.resolve("term-agent.log"));
            try {
                String run = cluster.run("finisher");
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> cluster.logMessages(run).contains("begin"));
                agentJvm.destroy();
                assertThat(agentJvm.waitFor(20, TimeUnit.SECONDS)).isTrue();
                // Everything was shipped before the JVM exited: no waiting needed.
                assertThat(cluster.stateType(run)).isEqualTo("COMPLETED");
                assertThat(cluster.logMessages(run)).containsExactly("begin", "end");
            } finally {
                agentJvm.destroyForcibly();
            }
        }
    }
}
