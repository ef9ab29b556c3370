package io.flowplane.agent.exec;

import io.flowplane.agent.secrets.Redactor;
import io.flowplane.agent.secrets.SecretResolver;
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
 * One run's process from start to its final event: prepare the environment, start the entrypoint,
 * pump its output into log events, wait (with the run's timeout), and report how it ended.
 */
final class FlowProcess implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowProcess.class);

    private final ActiveRun run;
    private final RunSupervisor supervisor;
    private final Path runDir;

    FlowProcess(ActiveRun run, RunSupervisor supervisor, Path runDir) {
        this.run = run;
        this.supervisor = supervisor;
        this.runDir = runDir;
    }

    @Override
    public void run() {
        try {
            execute();
        } catch (RuntimeException | IOException e) {
            LOG.error("run {}: the agent failed while running it", run.id(), e);
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
        run.redactor = new Redactor(prepared.secrets());
        if (claim.getEntrypoint().getCommandCount() == 0) {
            finish(StateType.FAILED, null, "the deployment has no entrypoint command");
            return;
        }
        if (run.cancelRequested || run.fenced || run.shuttingDown) {
            finish(null, null, null);
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(claim.getEntrypoint().getCommandList()).directory(workingDir(claim));
        pb.environment().clear();
        pb.environment().putAll(prepared.env());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            finish(StateType.FAILED, null, "could not start " + claim.getEntrypoint().getCommand(0) + ": " + e.getMessage());
            return;
        }
        run.process = process;
        supervisor.listener().started(run.id(), run.epoch(), process.pid());
        supervisor.reporter().state(run, StateType.RUNNING, null, "started by agent " + supervisor.agentName()
                + " as process " + process.pid());
        process.getOutputStream().close();
        if (run.cancelRequested || run.fenced || run.shuttingDown) {
            supervisor.terminate(run);
        }
        List<Future<?>> pumps = List.of(
                supervisor.pump(new OutputPump(process.getInputStream(), LogStream.STDOUT, this::lines,
                        supervisor.clock(), supervisor.settings().maxLineBytes())),
                supervisor.pump(new OutputPump(process.getErrorStream(), LogStream.STDERR, this::lines,
                        supervisor.clock(), supervisor.settings().maxLineBytes())));
        Duration timeout = claim.hasTimeout() ? Duration.ofSeconds(claim.getTimeout().getSeconds(),
                claim.getTimeout().getNanos()) : Duration.ZERO;
        boolean exited = timeout.isZero() ? waitFor(process) : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            run.timedOut = true;
            ProcessTree.terminate(process.toHandle(), supervisor.settings().killGrace());
        }
        int code = process.waitFor();
        awaitTreeStopped();
        drain(pumps);
        decide(code, timeout);
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

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    private File workingDir(ClaimedRun claim) {
        String dir = claim.getEntrypoint().getWorkingDir();
        return dir.isBlank() ? runDir.toFile() : new File(dir).getAbsoluteFile();
    }

    private void lines(LogStream stream, List<String> lines, java.time.Instant at) {
        supervisor.reporter().log(run, stream, lines, at);
    }

    /** Waits for the rest of the output; a background child still holding the pipe is not waited for. */
    private void drain(List<Future<?>> pumps) throws InterruptedException {
        long deadline = System.nanoTime() + supervisor.settings().drainTimeout().toNanos();
        for (Future<?> pump : pumps) {
            try {
                pump.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("run {}: output still open {} after the process exited (a background child?); "
                        + "later lines are dropped", run.id(), supervisor.settings().drainTimeout());
            } catch (ExecutionException e) {
                LOG.warn("run {}: reading output failed", run.id(), e.getCause());
            }
        }
    }

    private void decide(int code, Duration timeout) {
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
