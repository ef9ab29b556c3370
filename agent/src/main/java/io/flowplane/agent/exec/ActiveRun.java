package io.flowplane.agent.exec;

import io.flowplane.agent.secrets.Redactor;
import io.flowplane.proto.v1.ClaimedRun;

import java.util.HashMap;
import java.util.Map;

/** A run this agent holds: its claim, its process, and what has happened to it locally. */
public final class ActiveRun {
    final ClaimedRun claim;
    final String token;
    volatile Redactor redactor = Redactor.NONE;
    volatile Process process;
    /** Set when the agent started stopping the process tree; done once every process of it exited. */
    volatile java.util.concurrent.CompletableFuture<Void> stopping;
    /** A user cancelled it: terminate and report CANCELLED. */
    volatile boolean cancelRequested;
    /** The control plane says we no longer hold it: terminate, report nothing more. */
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

    ActiveRun(ClaimedRun claim, String token) {
        this.claim = claim;
        this.token = token;
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
}
