package io.flowplane.controlplane.signals;

import java.util.UUID;

/**
 * Notifications that something committed: a pool may have new due work or a freed slot (wakes
 * long polls), a run has new state or log lines (wakes its watchers), a user asked to cancel a
 * run an agent holds (pushed to that agent), a commit wrote events. Sent by {@link io.flowplane.controlplane.ledger.SignalHooks} (events: by the
 * event log) after a commit;
 * implementations deliver them in process today, and could carry them between replicas.
 */
public interface Signals {

    /** Receives signals; implementations must return quickly (hand work to their own threads). */
    interface Listener {
        default void poolChanged(UUID poolId) {
        }

        default void runUpdated(UUID runId) {
        }

        /** A user asked to cancel a run that agent {@code agentId} holds. */
        default void cancelRequested(UUID runId, String agentId) {
        }

        /** A commit wrote events (wakes event followers and the automation evaluator). */
        default void eventsPublished() {
        }

        /**
         * Signals may have been lost (another replica's notifications while the connection that
         * carries them was down): re-read whatever this listener serves, as if everything changed.
         */
        default void missedSignals() {
        }
    }

    void subscribe(Listener listener);

    void poolChanged(UUID poolId);

    void runUpdated(UUID runId);

    void cancelRequested(UUID runId, String agentId);

    void eventsPublished();
}
