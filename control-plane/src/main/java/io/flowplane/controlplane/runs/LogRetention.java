package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.store.LogStore;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;

/**
 * Deletes log lines stored longer ago than the retention period. Lines are stored in chunks that
 * share the time they were stored (by this control plane's clock, not the agent's), so whole
 * chunks go.
 */
public final class LogRetention {
    private final Store store;
    private final Clock clock;
    private final Duration retention;

    public LogRetention(Store store, Clock clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    /** "Tick now": one pass; returns the number of lines deleted. */
    public long tick() {
        long cutoff = clock.instant().minus(retention).toEpochMilli();
        return store.inTransaction(unit -> LogStore.deleteStoredBefore(unit.handle(), cutoff));
    }
}
