package io.flowplane.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class-data archive the launcher, the control-plane image and the systemd unit record: the
 * training run completes, and the archive it leaves is valid for the jar and holds the server's
 * classes (an archive recorded against another class path, or a training run that never reached
 * the server, would make every start silently slow again).
 */
class CdsArchiveIT {
    private final Path jar = Path.of(System.getProperty("flowplane.jar", "target/flowplane.jar")).toAbsolutePath();
    private final Path options = Path.of(System.getProperty("flowplane.repo", ".."), "deploy", "jvm", "server.options")
            .toAbsolutePath();

    @Test
    void trainingRunRecordsAnArchiveWithTheServersClasses(@TempDir Path tmp) throws Exception {
        Path archive = tmp.resolve("server.jsa");
        Path log = tmp.resolve("training.log");
        Process training = new ProcessBuilder(java(), "@" + options, "-XX:ArchiveClassesAtExit=" + archive,
                "-cp", jar.toString(), "io.flowplane.cli.server.CdsTraining")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(training.waitFor(5, TimeUnit.MINUTES)).as("training run finished").isTrue();
        assertThat(training.exitValue()).as(Files.readString(log)).isZero();
        assertThat(archive).isRegularFile();

        Process check = new ProcessBuilder(java(), "@" + options, "-XX:SharedArchiveFile=" + archive,
                "-XX:+PrintSharedArchiveAndExit", "-XX:+PrintSharedDictionary", "-cp", jar.toString())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        check.waitFor();
        assertThat(out).contains("archive is valid").doesNotContain("archive is invalid");
        for (String cls : List.of("io.flowplane.controlplane.app.ControlPlaneApplication", "org.eclipse.jetty.server.Server",
                "org.glassfish.jersey.server.ApplicationHandler", "org.flywaydb.core.Flyway", "org.h2.engine.Database",
                "io.flowplane.agent.Agent")) {
            assertThat(out).as(cls).containsPattern("\\s" + cls.replace(".", "\\.") + "\\s");
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
