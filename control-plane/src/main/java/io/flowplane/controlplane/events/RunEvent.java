package io.flowplane.controlplane.events;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One reported event about a run, numbered by its source. The wire form lives in proto/. */
public record RunEvent(long seq, UUID runId, long leaseEpoch, Instant occurredAt, Body body) {

    /** What an event says. */
    public sealed interface Body permits State, TaskRunReport, Log, Logs, ArtifactReport, Heartbeat {
    }

    /** {@code codeVersion}: with RUNNING, the version of the deployment's code the agent started (null: none). */
    public record State(StateType type, String name, String message, String idempotencyId, String codeVersion)
            implements Body {
        public State(StateType type, String name, String message, String idempotencyId) {
            this(type, name, message, idempotencyId, null);
        }
    }

    public record TaskRunReport(UUID taskRunId, String taskKey, String name, StateType type, String stateName,
                                String message, String cacheKey, String resultUri, String resultHash, int attempt,
                                List<String> tags) implements Body {
    }

    public record Log(UUID taskRunId, String stream, String level, String message) implements Body {
    }

    /** Consecutive lines of the run, all printed at the event's time (what an agent read at once). */
    public record Logs(List<Log> lines) implements Body {
    }

    public record ArtifactReport(UUID taskRunId, String key, String type, String description, String data)
            implements Body {
    }

    public record Heartbeat() implements Body {
    }
}
