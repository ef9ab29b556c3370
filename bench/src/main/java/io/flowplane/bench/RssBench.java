package io.flowplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * agent_idle_rss_mb: a real agent ({@code io.flowplane.agent.Main}) in its own JVM with default JVM
 * options, registered with the in-process control plane and long-polling an empty pool; its
 * resident set size (VmRSS) after {@code idle}.
 */
final class RssBench {
    private RssBench() {
    }

    static void run(Path dir, Duration idle) throws Exception {
        try {
            Class.forName("io.flowplane.agent.Main", false, RssBench.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the agent module is not on the harness's class path");
        }
        try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
            Setup.pool(cp, "idle");
            Path state = Files.createDirectories(dir.resolve("agent-state"));
            Process agent = Jvm.start(dir, dir.resolve("agent.log"), List.of(), "io.flowplane.agent.Main",
                    List.of("--url", cp.grpcTarget(), "--api-key", BenchControlPlane.ADMIN_KEY, "--pool", "idle",
                            "--state-dir", state.toString()));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (cp.services().agents().list().isEmpty()) {
                    if (System.nanoTime() > deadline || !agent.isAlive()) {
                        throw new IllegalStateException("the agent did not register; see " + dir.resolve("agent.log"));
                    }
                    Thread.sleep(50);
                }
                Thread.sleep(idle.toMillis());
                double rss = Jvm.rssMb(agent.pid());
                Out.info("agent idle %d s: RSS %.1f MiB", idle.toSeconds(), rss);
                Out.metric("agent_idle_rss_mb", rss, "MB");
            } finally {
                Jvm.stop(agent);
            }
        }
    }
}
