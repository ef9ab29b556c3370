package io.flowplane.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An agent in its own JVM ({@code io.flowplane.agent.Main}), so a test can kill -9 it. */
public final class AgentProcess {
    private AgentProcess() {
    }

    /** Starts {@code Main --config yaml} plus flags; output goes to {@code log}. */
    public static Process start(Path yaml, Path log, String... flags) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.flowplane.agent.Main", "--config", yaml.toString()));
        cmd.addAll(List.of(flags));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * An agent with every lease, fencing, heartbeat and kill setting at its default (only where to
     * connect, the pool, its slots and its state directory are given).
     */
    public static Path defaultsYaml(Path dir, String url, String pool, Path stateDir, int slots) throws Exception {
        Path file = dir.resolve("agent-" + System.nanoTime() + ".yml");
        Files.writeString(file, """
                url: "%s"
                apiKey: "%s"
                pool: %s
                slots: %d
                stateDir: "%s"
                """.formatted(url, Cluster.KEY, pool, slots, stateDir));
        return file;
    }

    /** Sends a signal (STOP, CONT, KILL...) to the agent's JVM. */
    public static void signal(Process agent, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(agent.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + agent.pid() + " failed");
        }
    }

    /** SIGKILL, and waits until the JVM is gone. */
    public static void killNine(Process agent) throws InterruptedException {
        agent.destroyForcibly();
        if (!agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("agent JVM " + agent.pid() + " survived SIGKILL");
        }
    }

    public static Path yaml(Path dir, String url, String pool, Path stateDir, String extra) throws Exception {
        Path file = dir.resolve("agent-" + System.nanoTime() + ".yml");
        Files.writeString(file, """
                url: "%s"
                apiKey: "%s"
                pool: %s
                slots: 2
                stateDir: "%s"
                killGrace: 1s
                shutdownGrace: 3s
                reconnectMin: 50ms
                reconnectMax: 500ms
                """.formatted(url, Cluster.KEY, pool, stateDir) + extra);
        return file;
    }
}
