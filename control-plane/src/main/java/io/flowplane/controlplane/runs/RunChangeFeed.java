package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.signals.Signals;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A change counter over all runs, for live lists: every signal that a run was created or changed
 * (a pool's work changed, a run's state or logs changed) bumps the version and wakes the readers
 * waiting for a version after the one they saw. The version is this process's own (it restarts
 * at a random base, so a reader that saw another process's number sees a change, never a wait
 * for a number that never comes).
 */
public final class RunChangeFeed implements Signals.Listener {
    private final AtomicLong version = new AtomicLong(Math.abs(new java.util.Random().nextInt()) * 1000L);
    private final Set<CompletableFuture<Long>> waiting = ConcurrentHashMap.newKeySet();

    public long version() {
        return version.get();
    }

    /**
     * Completes with the current version as soon as it differs from {@code seen} (at once if it
     * already does). The caller completes it itself when it stops waiting.
     */
    public CompletableFuture<Long> after(long seen) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        waiting.add(f);
        f.whenComplete((v, e) -> waiting.remove(f));
        long now = version.get();
        if (now != seen) {
            f.complete(now);
        }
        return f;
    }

    @Override
    public void poolChanged(UUID poolId) {
        bump();
    }

    @Override
    public void runUpdated(UUID runId) {
        bump();
    }

    @Override
    public void missedSignals() {
        bump();
    }

    private void bump() {
        long v = version.incrementAndGet();
        waiting.forEach(f -> f.complete(v));
    }

    /** How many readers wait (for tests). */
    int waiting() {
        return waiting.size();
    }
}
