package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.store.UnitOfWork;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The only sender of run, pool and cancel {@link Signals} (events are announced by the event log's
 * own after-commit hook): a change registers the signals it implies with the unit of work it is
 * part of, and they go out once, after that unit committed (duplicates merged). A
 * signal sent before the commit woke a poll that then found nothing; one never sent left a due
 * run waiting for the next unrelated wake-up.
 */
public final class SignalHooks {
    private final Signals signals;

    public SignalHooks(Signals signals) {
        this.signals = signals;
    }

    /** The signals pending in {@code unit}; sent after it commits. */
    public Pending in(UnitOfWork unit) {
        return unit.attachment(Pending.class, u -> {
            Pending pending = new Pending();
            u.afterCommit(() -> pending.send(signals));
            return pending;
        });
    }

    /** Signals gathered in one unit of work. */
    public static final class Pending {
        private final Set<UUID> runs = new LinkedHashSet<>();
        private final Set<UUID> pools = new LinkedHashSet<>();
        private final Map<UUID, String> cancels = new LinkedHashMap<>();

        private Pending() {
        }

        /** The pool may have new due work or a free slot. Null (a run without a pool) is ignored. */
        public Pending poolChanged(UUID poolId) {
            if (poolId != null) {
                pools.add(poolId);
            }
            return this;
        }

        public Pending runUpdated(UUID runId) {
            runs.add(runId);
            return this;
        }

        /** Pushes the cancel to the run's agent; a run no agent holds (null) has nobody to tell. */
        public Pending cancelRequested(UUID runId, String agentId) {
            if (agentId != null) {
                cancels.put(runId, agentId);
            }
            return this;
        }

        /** For tests: the pools this unit will signal. */
        public Set<UUID> pools() {
            return Set.copyOf(pools);
        }

        private void send(Signals to) {
            runs.forEach(to::runUpdated);
            pools.forEach(to::poolChanged);
            cancels.forEach(to::cancelRequested);
        }
    }
}
