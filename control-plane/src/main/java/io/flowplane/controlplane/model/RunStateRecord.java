package io.flowplane.controlplane.model;

import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a run's state history. {@code id} is null until stored; {@code actorKeyId} is the
 * API key whose request caused it (filled in when stored, from the request's caller; null for
 * the server's own changes).
 */
public record RunStateRecord(Long id, UUID runId, StateType stateType, String stateName, String message,
                             Actor actor, int attempt, Instant at, String idempotencyKey, UUID actorKeyId) {
}
