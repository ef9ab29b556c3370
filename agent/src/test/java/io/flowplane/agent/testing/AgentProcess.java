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
