package io.flowplane.controlplane.auth;

import java.util.UUID;

/**
 * The API key behind the request this thread is serving, for the records that name it (the
 * audit log, the actor key of state history). The edge opens a slot when a request starts and
 * closes it when it ends; authentication fills it in. A thread without an open slot (the
 * scheduler, the reaper, the dispatcher's claimers) has no caller.
 */
public final class Caller {
    private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();

    private Caller() {
    }

    /** One request's caller; null until authentication identified one. */
    public static final class Slot {
        private volatile Principal principal;

        public Principal principal() {
            return principal;
        }
    }

    /** Opens this thread's slot; {@link #close()} it in a finally block. */
    public static Slot open() {
        Slot slot = new Slot();
        SLOT.set(slot);
        return slot;
    }

    public static void close() {
        SLOT.remove();
    }

    /** Records who is calling, if this thread serves a request whose edge opened a slot. */
    public static void identify(Principal principal) {
        Slot slot = SLOT.get();
        if (slot != null) {
            slot.principal = principal;
        }
    }

    /** The calling key's id, or null. */
    public static UUID keyId() {
        Slot slot = SLOT.get();
        Principal p = slot == null ? null : slot.principal;
        return p == null ? null : p.keyId();
    }
}
