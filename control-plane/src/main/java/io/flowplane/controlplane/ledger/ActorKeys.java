package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.auth.Caller;
import io.flowplane.controlplane.state.Actor;

import java.util.UUID;

/** The API key a state record names: the caller of the request being served, for changes a user or agent made. */
final class ActorKeys {
    private ActorKeys() {
    }

    /** Null for the server's own changes (scheduler, reaper, claims), which no key made. */
    static UUID of(Actor actor) {
        return actor == Actor.USER || actor == Actor.AGENT ? Caller.keyId() : null;
    }
}
