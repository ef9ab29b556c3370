package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;

/**
 * A requested transition of a flow run: to a type (with an optional named state), by an actor,
 * with an optional idempotency key (a repeat of the same key returns what the first produced).
 */
public record StateChange(StateType type, String name, String message, Actor actor, String idempotencyKey) {
    public static StateChange of(StateType type, Actor actor) {
        return new StateChange(type, null, null, actor, null);
    }
}
