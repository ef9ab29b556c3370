package io.flowplane.controlplane.cluster;

/**
 * Whether this replica should do the background work that one replica is enough for (the
 * scheduler's materialisation, the reaper, retention, the automations' actions and notifications).
 * The scheduler and the reaper are safe on several replicas at once — runs are keyed by
 * (schedule, instant) and every change locks its rows — so for them leadership saves work. The
 * automations rely on it (see {@code Automations}): on every replica each notification would be
 * sent once per replica. A short overlap during a failover can repeat a notification (at least
 * once, with the event id to de-duplicate by) but not an action's effect (idempotency keys).
 */
public interface Leadership {

    /** Asked before each background pass; cheap enough to call every tick. */
    boolean isLeader();

    /** A single process (H2) is always its own leader. */
    Leadership SINGLE_PROCESS = () -> true;
}
