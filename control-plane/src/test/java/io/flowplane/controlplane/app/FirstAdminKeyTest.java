package io.flowplane.controlplane.app;

import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key the control plane generates on its first start reaches its operator without passing
 * through a log: on a terminal it is shown once; otherwise (systemd, Kubernetes, Docker, where
 * stdout is the log) it is written to a file only the server's user can read.
 */
class FirstAdminKeyTest {
    private static final String KEY = "fp_generated_0123456789abcdefghijklmnopqrstuv";

    @TempDir
    Path dir;

    @Test
    void withoutATerminalTheKeyGoesToAnOwnerOnlyFileAndNotToStdout() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path file = dir.resolve("data/bootstrap-admin.key");
        FirstAdminKey.handOver(KEY, false, file, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(Files.readString(file).trim()).isEqualTo(KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void onATerminalTheKeyIsShownOnceAndNoFileIsWritten() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path file = dir.resolve("bootstrap-admin.key");
        FirstAdminKey.handOver(KEY, true, file, new PrintStream(console, true, StandardCharsets.UTF_8));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains(KEY).contains("shown only this once");
        assertThat(file).doesNotExist();
    }

    @Test
    void aControlPlaneStartedWithoutAKeyWritesOneThatWorks() throws Exception {
        Path file = dir.resolve("first.key");
        try (TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> {
            c.getAuth().bootstrapAdminKey = null;
            c.getAuth().bootstrapKeyFile = file.toString();
        })) {
            // No FLOWPLANE_BOOTSTRAP_ADMIN_KEY in this JVM's environment, and no terminal under surefire.
            String key = Files.readString(file).trim();
            assertThat(key).startsWith("fp_").isNotEqualTo(TestControlPlane.ADMIN_KEY);
            assertThat(cp.call("GET", "/api/v1/flow-runs", key, null).statusCode()).isEqualTo(200);
            assertThat(cp.call("GET", "/api/v1/flow-runs", TestControlPlane.ADMIN_KEY, null).statusCode()).isEqualTo(401);
        }
    }
}
