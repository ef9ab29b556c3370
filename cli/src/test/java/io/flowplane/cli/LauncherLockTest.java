package io.flowplane.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ./flowplane} launcher on a fresh checkout, started twice at once: the second waits
 * for the first one's build instead of building into the same target/ beside it. {@code mvn}
 * and {@code java} are stand-ins on PATH: the build holds until the test lets it finish (so the
 * second launch certainly starts during it) and fails if another build is already running.
 */
class LauncherLockTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSecondLaunchWaitsForTheFirstBuildAndBothSucceed() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.copy(Path.of("..", "flowplane"), repo.resolve("flowplane"));
        executable(repo.resolve("flowplane"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("mvn"), """
                #!/bin/sh
                mkdir "$MARKS/building" 2>/dev/null || { echo "a build is already running here" >&2; exit 1; }
                echo build >> "$MARKS/builds"
                while [ ! -f "$MARKS/release" ]; do sleep 0.05; done
                mkdir -p cli/target && echo jar > cli/target/flowplane.jar
                rmdir "$MARKS/building"
                """);
        script(bin.resolve("java"), "#!/bin/sh\necho \"java $*\"\n");

        Process first = launch(repo, bin, marks, "first");
        await().until(() -> Files.isDirectory(marks.resolve("building")));
        Process second = launch(repo, bin, marks, "second");
        // Without the lock the second launch would start its own build now, and fail.
        await().until(() -> !second.isAlive() || Files.readString(marks.resolve("second.err")).contains("waiting"));
        Files.writeString(marks.resolve("release"), "");

        assertThat(first.waitFor()).as(Files.readString(marks.resolve("first.err"))).isZero();
        assertThat(second.waitFor()).as(Files.readString(marks.resolve("second.err"))).isZero();
        assertThat(Files.readAllLines(marks.resolve("builds"))).hasSize(1);
        assertThat(Files.readString(marks.resolve("second.err"))).contains("waiting").doesNotContain("building the");
        for (String name : List.of("first", "second")) {
            assertThat(Files.readString(marks.resolve(name + ".out"))).contains("java -jar " + repo.toRealPath()
                    .resolve("cli/target/flowplane.jar") + " --version");
        }
    }

    private static Process launch(Path repo, Path bin, Path marks, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("flowplane").toString(), "--version")
                .redirectOutput(marks.resolve(name + ".out").toFile())
                .redirectError(marks.resolve(name + ".err").toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("MARKS", marks.toString());
        pb.environment().remove("FLOWPLANE_NO_BUILD");
        return pb.start();
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        executable(file);
    }

    private static void executable(Path file) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
