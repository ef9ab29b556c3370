package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.store.EventQueries;
import io.flowplane.controlplane.store.Store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Reads the event log for the REST API: a page now, or (follow mode) the next page once there is one. */
public final class EventReader {
    private final Store store;
    private final EventFeed feed;

    public EventReader(Store store, EventFeed feed) {
        this.store = store;
        this.feed = feed;
    }

    public List<EventEntry> page(EventQueries.Filter filter) {
        return store.events(filter);
    }

    /**
     * The page after the filter's cursor; if it is empty, waits up to {@code wait} for events that
     * match and answers with what arrived (possibly nothing). No polling: each commit that wrote
     * events wakes the waiter once, and it reads again.
     */
    public CompletableFuture<List<EventEntry>> follow(EventQueries.Filter filter, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        CompletableFuture<List<EventEntry>> result = new CompletableFuture<>();
        attempt(filter, deadline, result);
        return result;
    }

    private void attempt(EventQueries.Filter filter, long deadline, CompletableFuture<List<EventEntry>> result) {
        // Subscribe before reading, so a commit between the read and the wait is not missed.
        long left = deadline - System.nanoTime();
        CompletableFuture<Boolean> next = left > 0 ? feed.next(Duration.ofNanos(left)) : null;
        List<EventEntry> page;
        try {
            page = page(filter);
        } catch (RuntimeException e) {
            if (next != null) {
                next.complete(false);
            }
            result.completeExceptionally(e);
            return;
        }
        if (!page.isEmpty() || next == null) {
            if (next != null) {
                next.complete(false);
            }
            result.complete(page);
            return;
        }
        next.whenComplete((published, e) -> {
            if (Boolean.TRUE.equals(published)) {
                attempt(filter, deadline, result);
            } else {
                result.complete(List.of());
            }
        });
    }
}
