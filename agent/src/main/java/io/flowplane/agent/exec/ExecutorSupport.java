package io.flowplane.agent.exec;

import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.StateType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an executor outside this package (the Kubernetes executor) does with the runs it carries,
 * under the same rules as the process executor: reports go through the supervisor's reporter
 * (redacted, epoch-stamped, dropped once fenced), the final state is spooled once, and
 * {@link #ended} gives the slot back. It never reaches into the supervisor's bookkeeping.
 */
public final class ExecutorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSupport.class);

    private final RunSupervisor supervisor;

    public ExecutorSupport(RunSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    /** A run found again after a restart (a Job by its labels): held like a claimed one once returned in an adoption. */
    public static ActiveRun adopted(ClaimedRun claim) {
        return new ActiveRun(claim, "");
    }

    public static boolean cancelRequested(ActiveRun run) {
        return run.cancelRequested;
    }

    public static boolean fenced(ActiveRun run) {
        return run.fenced;
    }

    public static boolean shuttingDown(ActiveRun run) {
        return run.shuttingDown;
    }

    /** A stop was asked for (cancel, lost lease, shutdown): the execution should end. */
    public static boolean stopRequested(ActiveRun run) {
        return run.cancelRequested || run.fenced || run.shuttingDown;
    }

    /**
     * For how much longer the run's lease is certainly valid on the control plane (see
     * {@link LeaseKeeper}); null while unknown (an adopted run before its first renewal). An
     * executor whose work outlives the agent bounds it by this, as the watchdog does for processes.
     */
    public static Duration leaseValidFor(ActiveRun run) {
        long until = run.leaseValidUntil;
        return until == 0 ? null : Duration.ofNanos(Math.max(0, until - System.nanoTime()));
    }

    /**
     * For a run whose secrets the agent does not pass itself (secretKeyRefs the kubelet resolves):
     * refuses a reference this agent can resolve to a value too short to mask, as it does for a
     * process (the message says why); one it cannot resolve is the cluster's to hold. Null: fine.
     */
    public String refusedSecret(ActiveRun run) {
        return supervisor.environment().tooShortSecret(run.claim);
    }

    /** Redacts from everything the run reports the secret values this agent can resolve for it. */
    public void redactKnownSecrets(ActiveRun run) {
        run.redactWith(supervisor.environment().secretValues(run.claim));
    }

    /** The execution started (or was found running again): listeners, then RUNNING (idempotent on the control plane). */
    public void started(ActiveRun run, String message) {
        supervisor.listener().started(run.id(), run.epoch(), -1);
        supervisor.reporter().state(run, StateType.RUNNING, null, message);
    }

    /**
     * Output lines, in order; {@code endOffset} is where they end in the executor's own numbering
     * (lines for pod logs); {@code spooled} runs once they are in the spool (record the offset there).
     */
    public void log(ActiveRun run, LogStream stream, List<String> lines, Instant at, long endOffset, Runnable spooled) {
        supervisor.reporter().log(run, stream, lines, at, endOffset, spooled);
    }

    /**
     * Closes the run and spools its final state. {@code type} null: nothing to report of its own
     * (fenced: nothing; cancelled before it started: CANCELLED; shutting down: handed back).
     */
    public void finish(ActiveRun run, StateType type, String name, String message) {
        run.closed = true;
        if (type == null) {
            if (run.cancelRequested && !run.fenced) {
                type = StateType.CANCELLED;
                message = "cancelled before it started";
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

    /**
     * How far the run's output (stdout numbering) reaches in the spool's unacknowledged tail, -1 if
     * none: with the executor's own record, where a restarted agent resumes. Read at start only.
     */
    public long spooledOutput(ClaimedRun claim) {
        long[] o = supervisor.reporter().spooledOffsets().get(claim.getRunId() + "-" + claim.getLeaseEpoch());
        return o == null ? -1 : o[0];
    }

    /** The executor is done with the run (always called, last). */
    public void ended(ActiveRun run, Path runDir) {
        supervisor.ended(run, runDir);
    }

    /** The agent's state directory: what an executor keeps across restarts goes under it (run directories are deleted when a run ends here). */
    public Path stateDir() {
        return supervisor.settings().runsDir().getParent();
    }

    /** Where the run's directory is (removed once the agent is done with the run, also on shutdown). */
    public Path runDir(ClaimedRun claim) {
        return supervisor.settings().runsDir().resolve(RunFiles.dirName(claim));
    }

    public Clock clock() {
        return supervisor.clock();
    }

    public String agentName() {
        return supervisor.agentName();
    }

    public Duration killGrace() {
        return supervisor.settings().killGrace();
    }

    /**
     * How long before a lease's safe end a run is told to stop, so that it is gone by then (the
     * agent's fenceGrace, derived from the lease when not set); null before registration.
     */
    public Duration fenceGrace() {
        return supervisor.fenceGrace();
    }
}
