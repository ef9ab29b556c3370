package io.flowplane.controlplane.cluster;

/**
 * Whether this replica should do the background work that one replica is enough for (the
 * scheduler's materialisation, the reaper, retention). All of it is safe on several replicas at
 * once — runs are keyed by (schedule, instant) and every change locks its rows — so leadership
 * saves work rather than guarding correctness, and a short overlap during a failover is harmless.
 */
public interface Leadership {

    /** Asked before each background pass; cheap enough to call every tick. */
    boolean isLeader();

    /** A single process (H2) is always its own leader. */
    Leadership SINGLE_PROCESS = () -> true;
}
