package io.flowplane.controlplane.runs;

import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-process notifications, sent after a commit: a pool may have new due work or a freed slot
 * (wakes long polls), or a run has new state or log lines (wakes log followers).
 */
public final class Signals {

    /** Receives signals; implementations must return quickly (hand work to their own threads). */
    public interface Listener {
        default void poolChanged(UUID poolId) {
        }

        default void runUpdated(UUID runId) {
        }

        /** A user asked to cancel a run that agent {@code agentId} holds (pushed to the agent). */
        default void cancelRequested(UUID runId, String agentId) {
        }
    }

    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    public void poolChanged(UUID poolId) {
        if (poolId != null) {
            listeners.forEach(l -> l.poolChanged(poolId));
        }
    }

    public void runUpdated(UUID runId) {
        listeners.forEach(l -> l.runUpdated(runId));
    }

    public void cancelRequested(UUID runId, String agentId) {
        if (agentId != null) {
            listeners.forEach(l -> l.cancelRequested(runId, agentId));
        }
    }
}
