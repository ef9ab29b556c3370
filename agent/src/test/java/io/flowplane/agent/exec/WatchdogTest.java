package io.flowplane.agent.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watchdog on its own, as it runs when its agent is gone (nobody moves the lease deadline):
 * the deadline holds for the flow's whole process group, not only for the flow's first process.
 * Found in the issue-13 drill: a flow whose worker child ignores SIGTERM (a slow graceful shutdown
 * does the same) lost its shell to the fence's SIGTERM, the watchdog then stopped its deadline
 * monitor, and the child worked on beside the retry on another agent — 6 of 6 runs overlapped by
 * 8-10 s with a 10 s lease.
 */
class WatchdogTest {
    /** A shell that dies of SIGTERM, and a child of it in its group that ignores SIGTERM. */
    private static final List<String> STUBBORN_CHILD = List.of("sh", "-c",
            "(trap '' TERM; while :; do sleep 0.1; done) & wait");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void whatIsLeftOfTheGroupAfterTheFlowDiedOfTheFenceSigtermGetsSigkillAtTheDeadline() throws Exception {
        RunFiles files = files("fenced-1");
        long now = Uptime.nowCentis();
        long killAt = now + 200;
        files.writeLease(now + 100, killAt);
        ProcessGroup group = start(files, STUBBORN_CHILD);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> group.members().size() >= 2);

            // SIGTERM at TERM_AT ends the flow's shell: the watchdog records it and ends.
            assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(files.exitCode()).isEqualTo(143);
            assertThat(files.fenced()).isTrue();
            // The child that ignores SIGTERM gets SIGKILL at KILL_AT all the same (the monitor polls every 250 ms).
            await().atMost(Duration.ofSeconds(10)).until(() -> group.members().isEmpty());
            assertThat(Uptime.nowCentis()).isLessThanOrEqualTo(killAt + 100);
        } finally {
            group.kill();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aChildLeftBehindByAFlowThatExitedIsStoppedAtTheDeadlineToo() throws Exception {
        RunFiles files = files("exited-1");
        long now = Uptime.nowCentis();
        long killAt = now + 300;
        files.writeLease(now + 200, killAt);
        ProcessGroup group = start(files, List.of("sh", "-c", "(trap '' TERM; while :; do sleep 0.1; done) & exit 0"));
        try {
            assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(files.exitCode()).isZero();
            assertThat(group.alive()).as("the child ignored the watchdog's SIGTERM at the flow's exit").isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> group.members().isEmpty());
            assertThat(Uptime.nowCentis()).isLessThanOrEqualTo(killAt + 100);
        } finally {
            group.kill();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFlowThatLeavesNothingBehindLeavesNoMonitorBehindEither() throws Exception {
        RunFiles files = files("clean-1");
        long now = Uptime.nowCentis();
        files.writeLease(now + 6000, now + 6100);
        ProcessGroup group = start(files, List.of("sh", "-c", "sleep 0.2"));
        assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(files.exitCode()).isZero();
        assertThat(group.alive()).isFalse();
        // The monitor (the watchdog's only other process) notices the empty group within its 250 ms poll.
        await().atMost(Duration.ofSeconds(3)).until(() -> processesNaming(files.dir()) == 0);
        assertThat(files.fenced()).isFalse();
    }

    private Process watchdog;

    private RunFiles files(String name) throws Exception {
        return new RunFiles(Files.createDirectories(dir.resolve("runs").resolve(name)));
    }

    private ProcessGroup start(RunFiles files, List<String> command) throws Exception {
        watchdog = Watchdog.install(dir).start(files, command, dir.toFile(), Map.of("PATH", System.getenv("PATH")));
        await().atMost(Duration.ofSeconds(5)).until(() -> files.flowPid() > 0);
        long pid = files.flowPid();
        ProcessGroup.Stat stat = ProcessGroup.Stat.of(pid);
        return new ProcessGroup(pid, stat == null ? -1 : stat.start());
    }

    private Process watchdogOf(RunFiles files) {
        return watchdog;
    }

    /** Live processes whose command line names the run directory (the watchdog and its monitor do). */
    private static long processesNaming(Path runDir) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a))
                .orElse("").contains(runDir.toString())).count();
    }
}
