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
        twoLaunchesAtOnce(System.getenv("PATH"));
    }

    /** Where flock(1) is missing (macOS): the lock directory with its holder's pid does the same. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutFlockTheLockDirectoryMakesTheSecondLaunchWaitToo() throws Exception {
        Path tools = withoutFlock();
        twoLaunchesAtOnce(tools.toString());
        assertThat(dir.resolve("repo/target/launcher.lock.d")).as("released after the launches").doesNotExist();
    }

    /** A lock directory left by a launch that was killed (its pid gone) is taken over, not waited on forever. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutFlockALockLeftByADeadLaunchIsTakenOver() throws Exception {
        Path tools = withoutFlock();
        Path repo = repo();
        Path stale = Files.createDirectories(repo.resolve("target/launcher.lock.d"));
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(stale.resolve("pid"), dead.pid() + "\n");
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Path bin = standIns();
        Files.writeString(marks.resolve("release"), "");
        Process launch = launch(repo, bin, marks, "only", tools.toString());
        assertThat(launch.waitFor()).as(Files.readString(marks.resolve("only.err"))).isZero();
        assertThat(Files.readString(marks.resolve("only.out"))).contains("--version");
    }

    private void twoLaunchesAtOnce(String path) throws Exception {
        Path repo = repo();
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Path bin = standIns();

        Process first = launch(repo, bin, marks, "first", path);
        await().until(() -> Files.isDirectory(marks.resolve("building")));
        Process second = launch(repo, bin, marks, "second", path);
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

    /** A fresh checkout as far as the launcher can tell: the script and a pom, nothing built. */
    private Path repo() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.copy(Path.of("..", "flowplane"), repo.resolve("flowplane"));
        executable(repo.resolve("flowplane"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        return repo;
    }

    /** Stand-in mvn (holds until released, refuses a second build at once) and java (prints its arguments). */
    private Path standIns() throws Exception {
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
        return bin;
    }

    /** A PATH with every command of /usr/bin and /bin except flock. */
    private Path withoutFlock() throws Exception {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        if (Files.exists(tools.resolve("sh"))) {
            return tools;
        }
        for (String d : List.of("/usr/bin", "/bin")) {
            try (var files = Files.list(Path.of(d))) {
                for (Path f : files.toList()) {
                    Path link = tools.resolve(f.getFileName().toString());
                    if (!f.getFileName().toString().equals("flock") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, f);
                    }
                }
            }
        }
        ProcessBuilder probe = new ProcessBuilder("/bin/sh", "-c", "command -v flock");
        probe.environment().put("PATH", tools.toString());
        assertThat(probe.start().waitFor()).as("flock hidden from the launcher").isNotZero();
        return tools;
    }

    private static Process launch(Path repo, Path bin, Path marks, String name, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("flowplane").toString(), "--version")
                .redirectOutput(marks.resolve(name + ".out").toFile())
                .redirectError(marks.resolve(name + ".err").toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + path);
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
