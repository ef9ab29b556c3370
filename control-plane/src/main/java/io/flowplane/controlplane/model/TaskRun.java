package io.flowplane.controlplane.model;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/** A step inside a flow run, reported by the SDK. The result stays home: only its URI and hash. */
public record TaskRun(UUID id, UUID flowRunId, String taskKey, String name, StateType stateType,
                      String stateName, String message, String cacheKey, String resultUri, String resultHash,
                      int attempt, String tags, Instant startedAt, Instant endedAt, Instant createdAt,
                      Instant updatedAt) {
}
