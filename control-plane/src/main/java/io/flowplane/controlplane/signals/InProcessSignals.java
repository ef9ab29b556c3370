package io.flowplane.controlplane.signals;

import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link Signals} delivered to this process's listeners on the calling thread. */
public final class InProcessSignals implements Signals {
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void poolChanged(UUID poolId) {
        if (poolId != null) {
            listeners.forEach(l -> l.poolChanged(poolId));
        }
    }

    @Override
    public void runUpdated(UUID runId) {
        listeners.forEach(l -> l.runUpdated(runId));
    }

    @Override
    public void cancelRequested(UUID runId, String agentId) {
        if (agentId != null) {
            listeners.forEach(l -> l.cancelRequested(runId, agentId));
        }
    }

    @Override
    public void eventsPublished() {
        listeners.forEach(Listener::eventsPublished);
    }
}
