package io.flowplane.agent.exec;

import io.flowplane.proto.v1.ClaimedRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a restarted agent finds in its runs directory, one run directory at a time:
 * <ul>
 *   <li>stopped by its watchdog or its agent for a lost lease ({@code fenced}): whatever is left is
 *   killed, nothing is reported;</li>
 *   <li>exited while the agent was down ({@code exit}): its remaining output and its real outcome
 *   are reported (the control plane refuses them if the lease is gone meanwhile);</li>
 *   <li>still running under its watchdog with its lease deadline ahead: adopted (output, heartbeats,
 *   cancel, timeout, exit) and carried on as the same attempt;</li>
 *   <li>still running with its lease deadline passed: stopped, nothing reported;</li>
 *   <li>its watchdog gone without an exit status: what is left is stopped and the run reported
 *   CRASHED (retries apply).</li>
 * </ul>
 */
final class RunRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);
    private static final long POLL_MILLIS = 50;

    private final RunSupervisor supervisor;

    RunRecovery(RunSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    List<RunSupervisor.Adoption> scan() {
        Path runsDir = supervisor.settings().runsDir();
        if (!Files.isDirectory(runsDir)) {
            return List.of();
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(runsDir)) {
            dirs = list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            LOG.error("could not read the runs directory {}: runs left by the previous agent are not adopted", runsDir, e);
            return List.of();
        }
        if (dirs.isEmpty()) {
            return List.of();
        }
        Map<String, long[]> spooled = supervisor.reporter().spooledOffsets();
        List<RunSupervisor.Adoption> adopted = new ArrayList<>();
        for (Path dir : dirs) {
            try {
                RunSupervisor.Adoption a = recover(dir, spooled);
                if (a != null) {
                    adopted.add(a);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("run directory {}: could not adopt it; it is left in place", dir, e);
            }
        }
        return adopted;
    }

    private RunSupervisor.Adoption recover(Path dir, Map<String, long[]> spooled) throws IOException {
        RunFiles files = new RunFiles(dir);
        ClaimedRun claim = files.claim();
        if (claim == null) {
            // The claim is written before the watchdog starts: nothing was started here.
            delete(dir);
            return null;
        }
        String token = files.token();
        ActiveRun run = new ActiveRun(claim, token == null ? "" : token);
        run.files = files;
        run.redactWith(supervisor.environment().secretValues(claim));
        long[] offsets = files.offsets();
        long[] inSpool = spooled.getOrDefault(RunFiles.dirName(claim), new long[]{-1, -1});
        run.restoreOffsets(Math.max(offsets[0], inSpool[0]), Math.max(offsets[1], inSpool[1]));
        run.group(group(files));
        long killAt = files.leaseKillAt();
        boolean leaseAhead = killAt > Uptime.nowCentis();
        Path runDir = dir;

        if (files.fenced()) {
            LOG.warn("run {}: its lease ran out while the agent was away; its process tree was stopped, nothing is "
                    + "reported", run.id());
            stop(run);
            delete(dir);
            return null;
        }
        if (files.exitCode() != null) {
            LOG.info("run {}: its process exited (code {}) while the agent was away; reporting its outcome",
                    run.id(), files.exitCode());
            return new RunSupervisor.Adoption(run, new FlowProcess(run, supervisor, runDir, millis -> true));
        }
        if (files.watchdogAlive()) {
            if (!leaseAhead) {
                LOG.warn("run {}: still running but its lease deadline passed; stopping its process tree, nothing is "
                        + "reported", run.id());
                files.markFenced();
                stop(run);
                delete(dir);
                return null;
            }
            run.leaseValidUntil = Uptime.toNanos(killAt);
            LOG.info("run {}: still running (process {}); adopted", run.id(), run.group == null ? "?" : run.group.id());
            return new RunSupervisor.Adoption(run, new FlowProcess(run, supervisor, runDir, millis -> awaitExit(files, millis)));
        }
        LOG.warn("run {}: its watchdog is gone without recording an exit status; stopping what is left", run.id());
        stop(run);
        if (!leaseAhead) {
            delete(dir);
            return null;
        }
        return new RunSupervisor.Adoption(run, new FlowProcess(run, supervisor, runDir, millis -> true));
    }

    /** The adopted watchdog is not the agent's child: poll for its exit status or its end. */
    private static boolean awaitExit(RunFiles files, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            try {
                if (files.exitCode() != null || !files.watchdogAlive()) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
            if (millis >= 0 && System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static ProcessGroup group(RunFiles files) throws IOException {
        ProcessGroup g = files.group();
        if (g != null) {
            return g;
        }
        long pid = files.flowPid();
        if (pid <= 0) {
            return null;
        }
        ProcessGroup.Stat stat = ProcessGroup.Stat.of(pid);
        return new ProcessGroup(pid, stat == null ? -1 : stat.start());
    }

    /** The lease is gone or the run is over: no grace for what is left. */
    private static void stop(ActiveRun run) {
        if (run.group != null) {
            run.group.kill();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
