package io.flowplane.agent.exec;

import io.flowplane.agent.secrets.SecretResolver;
import io.flowplane.agent.source.FetchException;
import io.flowplane.agent.source.FetchedCode;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.StateType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run's process from start (or adoption) to its final event: prepare the environment, start
 * the entrypoint under its {@link Watchdog}, follow its output files into log events, wait (with
 * the run's timeout), and report how it ended.
 */
final class FlowProcess implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowProcess.class);

    /** How the end of the process is awaited: the watchdog is the agent's child, or was adopted. */
    interface Exit {
        /** Waits up to {@code millis} (forever when negative); true once the watchdog is done. */
        boolean await(long millis) throws InterruptedException;
    }

    private final ActiveRun run;
    private final RunSupervisor supervisor;
    private final Path runDir;
    /** Set for a run adopted from an earlier incarnation of the agent; null for a fresh claim. */
    private final Exit adopted;

    FlowProcess(ActiveRun run, RunSupervisor supervisor, Path runDir) {
        this(run, supervisor, runDir, null);
    }

    FlowProcess(ActiveRun run, RunSupervisor supervisor, Path runDir, Exit adopted) {
        this.run = run;
        this.supervisor = supervisor;
        this.runDir = runDir;
        this.adopted = adopted;
    }

    @Override
    public void run() {
        try {
            if (adopted == null) {
                execute();
            } else {
                resume();
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("run {}: the agent failed while running it", run.id(), e);
            stopQuietly();
            finish(StateType.CRASHED, null, "agent error: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(StateType.CRASHED, null, "agent interrupted");
        } finally {
            supervisor.ended(run, runDir);
        }
    }

    private void execute() throws IOException, InterruptedException {
        ClaimedRun claim = run.claim;
        RunEnvironment.Prepared prepared;
        try {
            prepared = supervisor.environment().prepare(claim, runDir, supervisor.relayEndpoint(), run.token);
        } catch (SecretResolver.MissingSecretException e) {
            finish(StateType.FAILED, null, e.getMessage());
            return;
        }
        FetchedCode code;
        try {
            String credentials = claim.hasSource() && !claim.getSource().getCredentials().isEmpty()
                    ? supervisor.environment().secret(claim.getSource().getCredentials(), prepared.secrets()) : null;
            run.redactWith(prepared.secrets());
            code = claim.hasSource() ? supervisor.code().fetch(claim.getSource(), credentials) : null;
        } catch (SecretResolver.MissingSecretException e) {
            run.redactWith(prepared.secrets());
            finish(StateType.FAILED, null, "could not fetch the deployment's code: " + e.getMessage());
            return;
        } catch (FetchException e) {
            finish(StateType.FAILED, null, "could not fetch the deployment's code: " + e.getMessage());
            return;
        }
        if (code != null) {
            prepared.env().put("FLOWPLANE_CODE_DIR", code.dir().toAbsolutePath().toString());
            prepared.env().put("FLOWPLANE_CODE_VERSION", code.version());
            // The process starts in the shared cache of its code: its results go beside it, not into it.
            prepared.env().putIfAbsent("FLOWPLANE_RESULTS_DIR",
                    supervisor.code().root().resolveSibling("results").toAbsolutePath().toString());
        }
        if (claim.getEntrypoint().getCommandCount() == 0) {
            finish(StateType.FAILED, null, "the deployment has no entrypoint command");
            return;
        }
        if (run.cancelRequested || run.fenced || run.shuttingDown) {
            finish(null, null, null);
            return;
        }
        File workingDir = workingDir(claim, code);
        String program = claim.getEntrypoint().getCommand(0);
        if (!Watchdog.resolvable(program, prepared.env().get("PATH"), workingDir)) {
            finish(StateType.FAILED, null, "could not start " + program + ": no such executable");
            return;
        }
        RunFiles files = new RunFiles(runDir);
        files.writeClaim(claim, run.token);
        run.files = files;
        supervisor.leaseKeeper().write(run);
        Process watchdog;
        try {
            watchdog = supervisor.watchdog().start(files, claim.getEntrypoint().getCommandList(), workingDir, prepared.env());
        } catch (IOException e) {
            finish(StateType.FAILED, null, "could not start " + program + ": " + e.getMessage());
            return;
        }
        ProcessGroup.Stat self = ProcessGroup.Stat.of(watchdog.pid());
        if (self != null) {
            files.writeWatchdog(watchdog.pid(), self.start());
        }
        long pid = awaitFlowPid(files, watchdog);
        if (pid < 0) {
            watchdog.waitFor();
            finish(StateType.FAILED, null, "could not start " + program + ": its watchdog exited with code "
                    + watchdog.exitValue());
            return;
        }
        ProcessGroup.Stat stat = ProcessGroup.Stat.of(pid);
        ProcessGroup group = new ProcessGroup(pid, stat == null ? -1 : stat.start());
        files.writeGroup(group);
        files.writeStarted(Uptime.nowCentis());
        run.group(group);
        supervisor.listener().started(run.id(), run.epoch(), pid);
        supervisor.reporter().state(run, StateType.RUNNING, null, "started by agent " + supervisor.agentName()
                + " as process " + pid + (code == null ? "" : "; code " + code.version()
                + (code.fetched() ? " (fetched)" : " (from the agent's cache)")), code == null ? null : code.version());
        if (run.cancelRequested || run.fenced || run.shuttingDown) {
            supervisor.terminate(run);
        }
        supervise(timeout(claim), millis -> millis < 0 ? waitFor(watchdog) : watchdog.waitFor(millis, TimeUnit.MILLISECONDS));
    }

    /** An adopted run: re-attach to its output, its exit and its timeout; report RUNNING again (idempotent). */
    private void resume() throws IOException, InterruptedException {
        RunFiles files = run.files;
        ProcessGroup group = run.group;
        Duration timeout = timeout(run.claim);
        long started = files.started();
        if (!timeout.isZero() && started >= 0) {
            Duration ran = Duration.ofMillis((Uptime.nowCentis() - started) * 10);
            timeout = timeout.minus(ran);
            if (timeout.isNegative() || timeout.isZero()) {
                timeout = Duration.ofMillis(1);
            }
        }
        if (group != null) {
            supervisor.listener().started(run.id(), run.epoch(), group.id());
            // The previous incarnation may have died before this reached its spool; the control
            // plane recognises a replay by its idempotency id.
            supervisor.reporter().state(run, StateType.RUNNING, null, "started by agent " + supervisor.agentName()
                    + " as process " + group.id());
        }
        supervise(timeout, adopted);
    }

    private void supervise(Duration timeout, Exit exit) throws IOException, InterruptedException {
        RunFiles files = run.files;
        OutputTail out = tail(files, LogStream.STDOUT);
        OutputTail err = tail(files, LogStream.STDERR);
        List<OutputTail> tails = List.of(out, err);
        List<Future<?>> reading = List.of(supervisor.pump(out), supervisor.pump(err));
        boolean exited = exit.await(timeout.isZero() ? -1 : timeout.toMillis());
        if (!exited) {
            run.timedOut = true;
            if (run.group != null) {
                run.group.terminate(supervisor.settings().killGrace());
            }
            exit.await(-1);
        }
        awaitTreeStopped();
        out.finish();
        err.finish();
        drain(tails, reading);
        if (files.fenced()) {
            // The watchdog stopped it: the lease ran out while the agent could not renew it.
            run.fenced = true;
        }
        ProcessGroup group = run.group;
        if (group != null && group.alive()) {
            // Leftovers of the group (background children) got SIGTERM from the watchdog.
            supervisor.pump(() -> group.terminate(supervisor.settings().killGrace()));
        }
        decide(files.exitCode(), timeout(run.claim));
    }

    private OutputTail tail(RunFiles files, LogStream stream) {
        return new OutputTail(files.output(stream), stream, run.spooledOffset(stream),
                (s, lines, at, end) -> supervisor.reporter().log(run, s, lines, at, end),
                supervisor.clock(), supervisor.settings().maxLineBytes());
    }

    /** The watchdog records the flow's pid within milliseconds of starting; -1 if it exited first. */
    private static long awaitFlowPid(RunFiles files, Process watchdog) throws IOException, InterruptedException {
        while (true) {
            long pid = files.flowPid();
            if (pid > 0) {
                return pid;
            }
            if (!watchdog.isAlive()) {
                pid = files.flowPid();
                return pid > 0 ? pid : -1;
            }
            Thread.sleep(1);
        }
    }

    private static Duration timeout(ClaimedRun claim) {
        return claim.hasTimeout() ? Duration.ofSeconds(claim.getTimeout().getSeconds(), claim.getTimeout().getNanos())
                : Duration.ZERO;
    }

    /** A cancelled or lost run is reported only once its whole tree is gone, not just its root. */
    private void awaitTreeStopped() throws InterruptedException {
        var stopping = run.stopping;
        if (stopping == null) {
            return;
        }
        try {
            stopping.get(supervisor.settings().killGrace().toMillis() + 6000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("run {}: stopping its process tree did not finish cleanly: {}", run.id(), e.toString());
        }
    }

    private void stopQuietly() {
        ProcessGroup g = run.group;
        if (g != null) {
            g.terminate(supervisor.settings().killGrace());
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    /** With fetched code, the code's directory is the base: a relative working directory is inside it. */
    private File workingDir(ClaimedRun claim, FetchedCode code) {
        String dir = claim.getEntrypoint().getWorkingDir();
        if (code != null) {
            return (dir.isBlank() ? code.dir() : code.dir().resolve(dir)).toAbsolutePath().normalize().toFile();
        }
        return dir.isBlank() ? runDir.toFile() : new File(dir).getAbsoluteFile();
    }

    /** Waits for the tails to read the output files to their end. */
    private void drain(List<OutputTail> tails, List<Future<?>> reading) throws InterruptedException {
        long deadline = System.nanoTime() + supervisor.settings().drainTimeout().toNanos();
        for (int i = 0; i < tails.size(); i++) {
            try {
                reading.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("run {}: its output was still being written {} after the process exited; later lines are "
                        + "dropped", run.id(), supervisor.settings().drainTimeout());
                // Never interrupted: the tail may be inside the spool, whose file an interrupt would close.
                tails.get(i).abandon();
                awaitQuietly(reading.get(i));
            } catch (ExecutionException e) {
                LOG.warn("run {}: reading output failed", run.id(), e.getCause());
            }
        }
    }

    private static void awaitQuietly(Future<?> f) throws InterruptedException {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // gone or stuck; its lines are dropped once the run is closed
        }
    }

    private void decide(Integer code, Duration timeout) {
        if (run.fenced) {
            finish(null, null, null);
        } else if (run.cancelRequested) {
            finish(StateType.CANCELLED, null, "cancelled: the process tree was stopped (exit code " + code + ")");
        } else if (run.shuttingDown) {
            finish(StateType.CRASHED, null, "the agent shut down before the run finished; the process tree was stopped");
        } else if (run.timedOut) {
            finish(StateType.FAILED, "TimedOut", "timed out after " + timeout.toMillis() + " ms; the process tree was stopped");
        } else if (run.reportedTerminal) {
            finish(null, null, null);
        } else if (code == null) {
            finish(StateType.CRASHED, null, "the run's watchdog ended without recording an exit status");
        } else if (code == 0) {
            finish(StateType.COMPLETED, null, "exit code 0");
        } else {
            finish(StateType.FAILED, null, "exit code " + code);
        }
    }

    /** Closes the run to further output and spools its final state (none: {@code type} null). */
    private void finish(StateType type, String name, String message) {
        run.closed = true;
        if (type == null) {
            if (run.cancelRequested && !run.fenced && !run.reportedTerminal) {
                type = StateType.CANCELLED;
                message = "cancelled before its process started";
            } else if (run.shuttingDown && !run.fenced) {
                supervisor.handBack(run);
                return;
            } else {
                return;
            }
        }
        try {
            run.finalSeq = supervisor.reporter().state(run, type, name, message);
        } catch (RuntimeException e) {
            LOG.error("run {}: could not spool its final state {}", run.id(), type, e);
        }
    }
}
