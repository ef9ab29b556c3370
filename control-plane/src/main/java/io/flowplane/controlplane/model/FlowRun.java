package io.flowplane.controlplane.model;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/**
 * One execution of a deployment (or an ad-hoc run), as stored. JSON fields are raw strings.
 * The fields are grouped by who sets them and when: {@link Origin}, {@link Placement} and
 * {@link Policy} are fixed at creation; {@link State}, {@link Lease}, {@code nextAt},
 * {@code attempt} and the {@link Times} of start and end change only through the run ledger's
 * transitions (see {@link Builder}).
 *
 * @param nextAt when the run next needs attention: due to start, retry due, or (while active) the
 *               lease deadline the reaper watches; null holds it back (an unreleased backfill run)
 */
public record FlowRun(UUID id, String name, Origin origin, Placement placement, String parameters, String tags,
                      State state, Instant nextAt, int attempt, Policy policy, Lease lease, Times times,
                      long logCount) {

    /** The flow it runs and where the run came from; all but {@code flowName} are null for ad-hoc runs. */
    public record Origin(UUID deploymentId, String deploymentName, String flowName, UUID scheduleId,
                         UUID backfillId, String idempotencyKey) {

        /** A run started by hand (the SDK's direct mode): no deployment behind it. */
        public static Origin adHoc(String flowName) {
            return new Origin(null, null, flowName, null, null, null);
        }
    }

    /** The work pool and queue whose agents may claim it (null for ad-hoc runs). */
    public record Placement(UUID poolId, UUID queueId) {
        public static final Placement NONE = new Placement(null, null);
    }

    /** The current state: its type (what the state machine acts on), its display name and message. */
    public record State(StateType type, String name, String message, Instant at) {
    }

    /** Retries and timeout copied from the deployment when the run was created. */
    public record Policy(int maxRetries, String retryDelays, Long timeoutMs) {
        /** No retries, no timeout. */
        public static final Policy NONE = new Policy(0, "[]", null);
    }

    /**
     * Who holds the run. {@code epoch} grows with every claim, so a report from an older holder is
     * refused (fencing); {@code expiresAt} is null while no lease is held.
     */
    public record Lease(String agentId, long epoch, Instant expiresAt) {
        public static final Lease NONE = new Lease(null, 0, null);
    }

    /**
     * @param scheduledAt when it was meant to start
     * @param skipAfter   past this an unstarted run is not worth starting (max lateness); null: never
     */
    public record Times(Instant createdAt, Instant scheduledAt, Instant startedAt, Instant endedAt, Instant skipAfter) {

        /** A run created at {@code now}, due at {@code scheduledAt}, not yet started. */
        public static Times planned(Instant now, Instant scheduledAt, Instant skipAfter) {
            return new Times(now, scheduledAt, null, null, skipAfter);
        }
    }

    /** A copy in a new state; the caller sets the other fields that change with it. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy of the fields a transition (or a log batch) changes; the rest stay as they are. */
    public static final class Builder {
        private final FlowRun base;
        private State state;
        private Instant nextAt;
        private int attempt;
        private String agentId;
        private long leaseEpoch;
        private Instant leaseExpiresAt;
        private Instant startedAt;
        private Instant endedAt;
        private long logCount;

        private Builder(FlowRun r) {
            base = r;
            state = r.state;
            nextAt = r.nextAt;
            attempt = r.attempt;
            agentId = r.lease.agentId();
            leaseEpoch = r.lease.epoch();
            leaseExpiresAt = r.lease.expiresAt();
            startedAt = r.times.startedAt();
            endedAt = r.times.endedAt();
            logCount = r.logCount;
        }

        public Builder state(StateType type, String name, String message, Instant at) {
            state = new State(type, name, message, at);
            return this;
        }

        public Builder nextAt(Instant v) { nextAt = v; return this; }
        public Builder attempt(int v) { attempt = v; return this; }
        public Builder agentId(String v) { agentId = v; return this; }
        public Builder leaseEpoch(long v) { leaseEpoch = v; return this; }
        public Builder leaseExpiresAt(Instant v) { leaseExpiresAt = v; return this; }
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        public Builder endedAt(Instant v) { endedAt = v; return this; }
        public Builder logCount(long v) { logCount = v; return this; }

        public FlowRun build() {
            FlowRun r = base;
            Times t = r.times;
            return new FlowRun(r.id, r.name, r.origin, r.placement, r.parameters, r.tags, state, nextAt, attempt,
                    r.policy, new Lease(agentId, leaseEpoch, leaseExpiresAt),
                    new Times(t.createdAt(), t.scheduledAt(), startedAt, endedAt, t.skipAfter()), logCount);
        }
    }
}
