package io.flowplane.controlplane.eventlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Wakes whoever waits for new events (held follow requests, the automation evaluator) when a
 * unit of work that wrote events has committed. In process today; with replicas a database
 * notification would call {@link #published()} too.
 */
public final class EventFeed {
    private final List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Completes with true at the next publication, or false after {@code wait}. */
    public CompletableFuture<Boolean> next(Duration wait) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(f);
        }
        f.completeOnTimeout(false, wait.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> {
            synchronized (waiting) {
                waiting.remove(f);
            }
        });
        return f;
    }

    /** Called for every publication; must return quickly. */
    public void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    void published() {
        List<CompletableFuture<Boolean>> wake;
        synchronized (waiting) {
            wake = List.copyOf(waiting);
        }
        wake.forEach(f -> f.complete(true));
        listeners.forEach(Runnable::run);
    }
}
