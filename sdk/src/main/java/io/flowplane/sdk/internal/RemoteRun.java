package io.flowplane.sdk.internal;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The run that events about a flow run are reported on, with the lease epoch they carry.
 * {@code shared}: a subflow reported inside its parent's run (under an agent, the relay accepts
 * only the parent's run), so it must not report a flow-run state of its own. {@code lost} turns
 * true when the control plane says the lease is stale: the run must stop.
 */
public record RemoteRun(UUID id, long leaseEpoch, boolean shared, AtomicBoolean lost) {
    public static RemoteRun of(UUID id, long leaseEpoch) {
        return new RemoteRun(id, leaseEpoch, false, new AtomicBoolean());
    }

    public RemoteRun sharedChild() {
        return new RemoteRun(id, leaseEpoch, true, lost);
    }
}
