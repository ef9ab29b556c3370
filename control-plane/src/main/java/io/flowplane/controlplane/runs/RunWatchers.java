package io.flowplane.controlplane.runs;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import io.flowplane.controlplane.signals.Signals;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Lets readers wait for a run's next update (state or logs) instead of polling the store. */
public final class RunWatchers implements Signals.Listener {
    private final Map<UUID, Set<CompletableFuture<Boolean>>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;

    public RunWatchers(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /** Completes with true on the run's next update, or false after {@code timeout}. Register before reading. */
    public CompletableFuture<Boolean> nextUpdate(UUID runId, Duration timeout) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        watchers.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(f);
        timers.schedule(() -> f.complete(false), timeout.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> {
            Set<CompletableFuture<Boolean>> set = watchers.get(runId);
            if (set != null) {
                set.remove(f);
                if (set.isEmpty()) {
                    watchers.remove(runId, set);
                }
            }
        });
        return f;
    }

    /** Readers waiting for an update of this run (for tests). */
    public int watching(UUID runId) {
        Set<CompletableFuture<Boolean>> set = watchers.get(runId);
        return set == null ? 0 : set.size();
    }

    /** Every watcher re-reads: an update to any run may have gone unannounced. */
    @Override
    public void missedSignals() {
        watchers.values().forEach(set -> set.forEach(f -> f.complete(true)));
    }

    @Override
    public void runUpdated(UUID runId) {
        Set<CompletableFuture<Boolean>> set = watchers.get(runId);
        if (set != null) {
            set.forEach(f -> f.complete(true));
        }
    }
}
