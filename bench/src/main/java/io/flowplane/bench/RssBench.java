package io.flowplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * agent_idle_rss_mb: a real agent started the way users start it, {@code flowplane agent} through
 * the repository's launcher (the built {@code cli/target/flowplane.jar} with the shipped JVM options
 * of {@code deploy/jvm/agent.options}, the same file the Docker image, the systemd unit and the
 * Kubernetes manifest use), registered with the in-process control plane and long-polling an empty
 * pool; its resident set size (VmRSS) after {@code idle}. For comparison, stderr also gets the
 * same agent started with default JVM options ({@code java -jar flowplane.jar agent}), idling
 * alongside.
 */
final class RssBench {
    private RssBench() {
    }

    static void run(Path dir, Duration idle) throws Exception {
        try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
            Setup.pool(cp, "idle");
            Out.info("agent JVM options (deploy/jvm/agent.options): %s", Jvm.shippedOptions("agent.options"));
            Process shipped = Jvm.launcher(dir, dir.resolve("agent.log"), agentArgs(cp, dir, "shipped"));
            Process defaults = Jvm.distributionWithDefaults(dir, dir.resolve("agent-defaults.log"),
                    agentArgs(cp, dir, "defaults"));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (cp.services().execution().agents().list().size() < 2) {
                    if (System.nanoTime() > deadline || !shipped.isAlive() || !defaults.isAlive()) {
                        throw new IllegalStateException("the agents did not register; see " + dir.resolve("agent.log")
                                + " and " + dir.resolve("agent-defaults.log"));
                    }
                    Thread.sleep(50);
                }
                Thread.sleep(idle.toMillis());
                double rss = Jvm.rssMb(shipped.pid());
                double rssDefaults = Jvm.rssMb(defaults.pid());
                Out.info("agent idle %d s: RSS %.1f MiB with the shipped options (`flowplane agent`), %.1f MiB with"
                        + " default JVM options (`java -jar flowplane.jar agent`)", idle.toSeconds(), rss, rssDefaults);
                Out.metric("agent_idle_rss_mb", rss, "MB");
            } finally {
                Jvm.stop(shipped);
                Jvm.stop(defaults);
            }
        }
    }

    private static List<String> agentArgs(BenchControlPlane cp, Path dir, String name) throws java.io.IOException {
        Path state = Files.createDirectories(dir.resolve("agent-state-" + name));
        return List.of("agent", "--url", cp.grpcTarget(), "--api-key", BenchControlPlane.ADMIN_KEY, "--pool", "idle",
                "--name", "rss-" + name, "--state-dir", state.toString());
    }
}
