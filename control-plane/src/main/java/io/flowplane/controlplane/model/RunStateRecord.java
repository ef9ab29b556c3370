package io.flowplane.controlplane.model;

import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/** One entry of a run's state history. {@code id} is null until stored. */
public record RunStateRecord(Long id, UUID runId, StateType stateType, String stateName, String message,
                             Actor actor, int attempt, Instant at, String idempotencyKey) {
}
