package io.flowplane.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `flowplane server --config FILE` with a file the control plane cannot use: exit code 1 and the
 * message naming the file and the field, without a Java stack trace under it.
 */
class ServerConfigErrorIT {
    private final Path jar = Path.of(System.getProperty("flowplane.jar", "target/flowplane.jar")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void anUnknownFieldIsOneClearMessageAndExitCodeOne() throws Exception {
        assertThat(jar).as("the shaded jar (built in `package`)").exists();
        Path config = dir.resolve("control-plane.yml");
        Files.writeString(config, "scheduler:\n  horizonn: 10m\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "server", "--config", config.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the server gave up").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains(config.toString()).contains("Unrecognized field at: scheduler.horizonn");
        assertThat(out).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
