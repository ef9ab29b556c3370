package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.signals.Signals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Wakes whoever waits for new events (held follow requests, the automation evaluator) when a
 * unit of work that wrote events has committed, on this replica or another: a commit is announced
 * through the {@link Signals} (on PostgreSQL they cross replicas), and every replica's feed wakes
 * when the signal arrives. A possibly lost signal (the listening connection dropped) wakes it too,
 * so waiters re-read instead of sleeping until their timeout.
 */
public final class EventFeed implements Signals.Listener {
    private final List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Signals signals;

    /** Subscribes to {@code signals}, which carry this feed's announcements (to itself as well). */
    public EventFeed(Signals signals) {
        this.signals = signals;
        signals.subscribe(this);
    }

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

    /** How many follow requests wait for the next publication (tests wait for a held one). */
    public int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** Called for every publication; must return quickly. */
    public void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    /** A unit of work that wrote events committed: tell every replica's feed. */
    void published() {
        signals.eventsPublished();
    }

    @Override
    public void eventsPublished() {
        wake();
    }

    @Override
    public void missedSignals() {
        wake();
    }

    private void wake() {
        List<CompletableFuture<Boolean>> wake;
        synchronized (waiting) {
            wake = List.copyOf(waiting);
        }
        wake.forEach(f -> f.complete(true));
        listeners.forEach(Runnable::run);
    }
}
