package io.flowplane.controlplane.cluster;

import io.flowplane.controlplane.app.ControlPlaneApplication;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.controlplane.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An H2 file serves one control plane. A second process started on the same file (a real JVM,
 * the way a user would start it) stops at once and says why, instead of waiting out a lock
 * timeout or, worse, running beside the first with signals that never cross.
 */
class H2SingleProcessTest {

    @TempDir
    Path dir;

    @Test
    void aSecondControlPlaneOnTheSameH2FileRefusesToStartAndSaysWhy() throws Exception {
        TestDatabase.assumeH2("the one-process lock of an H2 file; replicas on one PostgreSQL are ReplicasOnPostgresTest's");
        try (TestControlPlane first = TestControlPlane.start(dir, Clock.systemUTC())) {
            String url = TestControlPlane.configuration(dir).getDatabase().getUrl(); // the first one's file
            Path config = Files.writeString(dir.resolve("second.yml"), """
                    server:
                      applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                      adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                    database:
                      driverClass: org.h2.Driver
                      url: "%s"
                    grpc:
                      bindHost: 127.0.0.1
                      port: 0
                    """.formatted(url));
            Path output = dir.resolve("second.out");
            Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ControlPlaneApplication.class.getName(),
                    "server", config.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("the second control plane stopped by itself").isTrue();
                assertThat(second.exitValue()).isNotZero();
                assertThat(Files.readString(output))
                        .contains("is already open in another control plane: an H2 file serves one process only")
                        .contains("PostgreSQL");
            } finally {
                second.destroyForcibly();
            }
            // The first one is untouched.
            assertThat(first.admin("GET", "/api/v1/work-pools", null).statusCode()).isEqualTo(200);
        }
    }
}
