package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Leases: a claim starts one (new epoch, expiry), reports and heartbeats from the holder extend
 * it, a terminal state clears it, a server-side end of an active run fences it (epoch + 1, see
 * {@link RunTransitions}), and the reaper ends runs whose lease ran out. The length is decided
 * here alone.
 */
public final class Leases {
    private final Store store;
    private final Duration length;

    Leases(Store store, Duration length) {
        this.store = store;
        this.length = length;
    }

    public Duration length() {
        return length;
    }

    /** When a lease started or extended at {@code now} runs out. */
    public Instant expiryFrom(Instant now) {
        return now.plus(length);
    }

    /**
     * Extends the leases an agent still holds at the given epochs to {@code now} + the lease, in
     * one batch; {@code held[i]} false means the agent lost run i (another epoch, or it ended).
     */
    public boolean[] extend(UnitOfWork unit, String agentId, List<UUID> runIds, List<Long> epochs, Instant now) {
        if (runIds.isEmpty()) {
            return new boolean[0];
        }
        // In run-id order, the order report batches lock runs in: a heartbeat updating the same
        // runs in the agent's order deadlocked with a concurrent batch (H2 saw it under load).
        Integer[] order = new Integer[runIds.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparing(runIds::get));
        List<UUID> ids = new java.util.ArrayList<>(order.length);
        List<Long> sortedEpochs = new java.util.ArrayList<>(order.length);
        for (int i : order) {
            ids.add(runIds.get(i));
            sortedEpochs.add(epochs.get(i));
        }
        int[] counts = unit.handle().attach(FlowRunDao.class).extendLeases(ids, sortedEpochs, agentId, expiryFrom(now));
        boolean[] held = new boolean[counts.length];
        for (int k = 0; k < counts.length; k++) {
            held[order[k]] = counts[k] > 0;
        }
        return held;
    }

    /** Active runs whose lease ran out before {@code now}: the reaper's input. */
    public List<UUID> expired(Instant now) {
        return store.withDao(FlowRunDao.class, d -> d.expiredLeases(now));
    }

    /** Runs in CANCELLING since before {@code before}. */
    public List<UUID> cancellingSince(Instant before) {
        return store.withDao(FlowRunDao.class, d -> d.cancellingSince(before));
    }

    /** Runs the agent holds that a user asked to cancel. */
    public List<UUID> cancellingFor(UnitOfWork unit, String agentId) {
        return unit.handle().attach(FlowRunDao.class).cancellingFor(agentId);
    }

    /** The same in a read of its own. */
    public List<UUID> cancellingFor(String agentId) {
        return store.withDao(FlowRunDao.class, d -> d.cancellingFor(agentId));
    }
}
