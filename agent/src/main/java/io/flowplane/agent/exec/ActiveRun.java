package io.flowplane.agent.exec;

import io.flowplane.agent.secrets.Redactor;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.LogStream;

import java.util.HashMap;
import java.util.Map;

/** A run this agent holds: its claim, its process, its lease, and what has happened to it locally. */
public final class ActiveRun {
    final ClaimedRun claim;
    final String token;
    volatile Redactor redactor = Redactor.NONE;
    /** The run's directory (null for executors that keep none). */
    volatile RunFiles files;
    /** The flow's process group, once the watchdog started it (the process executor's). */
    volatile ProcessGroup group;
    /**
     * How the supervisor stops what carries the run (cancel, lost or unrenewable lease, shutdown),
     * whatever the executor: the process group here, a Job for a Kubernetes executor. Null until
     * the execution started; set it with {@link #stopWith}.
     */
    private volatile Stopper stopper;
    /** Set when the agent started stopping the process tree; done once every process of it exited. */
    volatile java.util.concurrent.CompletableFuture<Void> stopping;
    /**
     * Until when (System.nanoTime) the lease is certainly still valid on the control plane: the
     * last renewal the control plane acknowledged, counted from before the request was sent, plus
     * the lease duration, minus a margin. The process tree is stopped by then if renewals fail.
     */
    volatile long leaseValidUntil;
    /** A user cancelled it: terminate and report CANCELLED. */
    volatile boolean cancelRequested;
    /** The control plane says we no longer hold it, or the lease ran out locally: terminate, report nothing more. */
    volatile boolean fenced;
    /** The agent is stopping and the grace period is over: terminate and hand it back. */
    volatile boolean shuttingDown;
    volatile boolean timedOut;
    /** The flow reported its own terminal state through the relay. */
    volatile boolean reportedTerminal;
    /** The agent's last event about it is spooled; after that, no more events are accepted. */
    volatile boolean closed;
    /** Spool sequence of the run's final event (0: not yet); acknowledged → no more lease to keep. */
    volatile long finalSeq;
    /** Highest sequence accepted from each relay source (a flow process's own numbering). */
    final Map<String, Long> relaySources = new HashMap<>();
    /** How far stdout and stderr are spooled (file offsets); written under the spool's lock. */
    private final long[] spooledOffsets = new long[2];

    ActiveRun(ClaimedRun claim, String token) {
        this.claim = claim;
        this.token = token;
    }

    /**
     * Masks these secret values in everything the run reports, and the run's relay token too: it
     * is in the process's environment (FLOWPLANE_EVENTS_TOKEN) and is a credential for the relay,
     * so a flow that prints its environment must not ship it.
     */
    void redactWith(java.util.Collection<String> secrets) {
        java.util.Set<String> values = new java.util.LinkedHashSet<>(secrets);
        if (token != null && !token.isEmpty()) {
            values.add(token);
        }
        redactor = new Redactor(values);
    }

    /** Stops a run's execution: ask it to end, force it after {@code grace}; returns once it is gone (or gave up). */
    @FunctionalInterface
    public interface Stopper {
        void stop(java.time.Duration grace);
    }

    /** What carries the run from now on; the supervisor stops the run through it. */
    public void stopWith(Stopper stopper) {
        this.stopper = stopper;
    }

    Stopper stopper() {
        return stopper;
    }

    /** The process executor's group, which is also how the run is stopped. */
    void group(ProcessGroup group) {
        this.group = group;
        this.stopper = group == null ? null : group::terminate;
    }

    public String id() {
        return claim.getRunId();
    }

    public long epoch() {
        return claim.getLeaseEpoch();
    }

    public ClaimedRun claim() {
        return claim;
    }

    /** Records that the output of {@code stream} up to {@code offset} is in the spool. */
    void spooled(LogStream stream, long offset) {
        RunFiles f = files;
        synchronized (spooledOffsets) {
            spooledOffsets[stream == LogStream.STDERR ? 1 : 0] = offset;
            if (f != null) {
                f.writeOffsets(spooledOffsets[0], spooledOffsets[1]);
            }
        }
    }

    void restoreOffsets(long stdout, long stderr) {
        synchronized (spooledOffsets) {
            spooledOffsets[0] = stdout;
            spooledOffsets[1] = stderr;
        }
    }

    long spooledOffset(LogStream stream) {
        synchronized (spooledOffsets) {
            return spooledOffsets[stream == LogStream.STDERR ? 1 : 0];
        }
    }
}
