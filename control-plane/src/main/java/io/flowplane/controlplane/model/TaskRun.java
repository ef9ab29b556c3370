package io.flowplane.controlplane.model;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/**
 * A step inside a flow run, reported by the SDK. The result stays home: only its URI and hash.
 * {@code tags}: a JSON array.
 */
public record TaskRun(UUID id, UUID flowRunId, String taskKey, String name, State state, Result result, int attempt,
                      String tags, Times times) {

    /** The task's current state as its run reported it. */
    public record State(StateType type, String name, String message) {
    }

    /** Where the task's result lives (in the user's storage) and its cache key, as reported; never the result. */
    public record Result(String cacheKey, String uri, String hash) {
    }

    /** {@code updatedAt}: the control plane's time of the last report. */
    public record Times(Instant startedAt, Instant endedAt, Instant createdAt, Instant updatedAt) {
    }
}
