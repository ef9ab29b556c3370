package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;

/** Deletes log lines older than the retention period. */
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
    public int tick() {
        long cutoff = clock.instant().minus(retention).toEpochMilli();
        return store.jdbi().withHandle(h -> h.createUpdate("DELETE FROM logs WHERE at < :cutoff")
                .bind("cutoff", cutoff).execute());
    }
}
