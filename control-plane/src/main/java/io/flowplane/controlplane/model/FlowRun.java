package io.flowplane.controlplane.model;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/** One execution of a deployment (or an ad-hoc run), as stored. JSON fields are raw strings. */
public record FlowRun(UUID id, String name, UUID deploymentId, String deploymentName, String flowName,
                      UUID poolId, UUID queueId, String parameters, String tags, StateType stateType,
                      String stateName, String stateMessage, Instant stateAt, Instant nextAt,
                      Instant scheduledAt, int attempt, int maxRetries, String retryDelays, Long timeoutMs,
                      String agentId, long leaseEpoch, Instant leaseExpiresAt, Instant startedAt,
                      Instant endedAt, long logCount, String idempotencyKey, Instant createdAt,
                      UUID scheduleId, UUID backfillId, Instant skipAfter) {

    /** A copy in a new state; the caller sets the other fields that change with it. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy for the few fields a transition changes. */
    public static final class Builder {
        private final FlowRun base;
        private StateType stateType;
        private String stateName;
        private String stateMessage;
        private Instant stateAt;
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
            stateType = r.stateType;
            stateName = r.stateName;
            stateMessage = r.stateMessage;
            stateAt = r.stateAt;
            nextAt = r.nextAt;
            attempt = r.attempt;
            agentId = r.agentId;
            leaseEpoch = r.leaseEpoch;
            leaseExpiresAt = r.leaseExpiresAt;
            startedAt = r.startedAt;
            endedAt = r.endedAt;
            logCount = r.logCount;
        }

        public Builder state(StateType type, String name, String message, Instant at) {
            stateType = type;
            stateName = name;
            stateMessage = message;
            stateAt = at;
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
            return new FlowRun(r.id, r.name, r.deploymentId, r.deploymentName, r.flowName, r.poolId, r.queueId,
                    r.parameters, r.tags, stateType, stateName, stateMessage, stateAt, nextAt, r.scheduledAt,
                    attempt, r.maxRetries, r.retryDelays, r.timeoutMs, agentId, leaseEpoch, leaseExpiresAt,
                    startedAt, endedAt, logCount, r.idempotencyKey, r.createdAt,
                    r.scheduleId, r.backfillId, r.skipAfter);
        }
    }
}
