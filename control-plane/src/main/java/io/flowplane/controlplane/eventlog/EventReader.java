package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.store.EventQueries;
import io.flowplane.controlplane.store.Store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the event log for the REST API: a page now, or (follow mode) the next page once there is one.
 * <p>
 * Event ids are handed out at insert and become visible at commit, so a lower id can commit
 * after a higher one; a client whose cursor passed the higher one would never see the lower. So
 * a page never goes past an id that is missing among the newest ids, until that id has been
 * missing for the gap patience (then its transaction rolled back, or its id was skipped) — the
 * automation evaluator's rule. Only the newest {@link #RECENT_IDS} ids are checked: an id still
 * uncommitted after that many later ones committed would need a very long transaction.
 */
public final class EventReader {
    /** How many of the newest ids above the cursor are checked for ids not committed yet. */
    static final int RECENT_IDS = 1000;
    static final Duration DEFAULT_GAP_PATIENCE = Duration.ofSeconds(2);
    private static final long GAP_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int GAPS_REMEMBERED = 10_000;

    private final Store store;
    private final EventFeed feed;
    private final long gapPatienceNanos;
    /** Missing id → when it was first seen missing (System.nanoTime: commit visibility, not scheduling). */
    private final Map<Long, Long> gapsSeen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > GAPS_REMEMBERED;
        }
    };

    public EventReader(Store store, EventFeed feed) {
        this(store, feed, DEFAULT_GAP_PATIENCE);
    }

    public EventReader(Store store, EventFeed feed, Duration gapPatience) {
        this.store = store;
        this.feed = feed;
        this.gapPatienceNanos = gapPatience.toNanos();
    }

    public List<EventEntry> page(EventQueries.Filter filter) {
        return read(filter).events();
    }

    /** A page, and whether events that match were left out because they lie past a missing id. */
    private record Read(List<EventEntry> events, boolean cut) {
    }

    private Read read(EventQueries.Filter filter) {
        // The ids first, the page second: an id that commits in between is above the horizon, and
        // is returned by the next read rather than passed over.
        Horizon h = horizon(filter.after(), store.newestEventIds(filter.after(), RECENT_IDS));
        List<EventEntry> page = store.events(filter);
        int keep = 0;
        while (keep < page.size() && page.get(keep).id() <= h.last()) {
            keep++;
        }
        return new Read(keep == page.size() ? page : List.copyOf(page.subList(0, keep)), keep < page.size());
    }

    /** The highest id a page may reach now. */
    private record Horizon(long last) {
    }

    private Horizon horizon(long after, List<Long> newest) {
        // When fewer than RECENT_IDS came back, they are every id above the cursor, so the ids
        // right after it are checked too; otherwise what lies below the newest is settled.
        long previous = newest.size() < RECENT_IDS || newest.isEmpty() ? after : newest.get(0) - 1;
        for (long id : newest) {
            if (id > previous + 1 && !gapExpired(previous + 1)) {
                return new Horizon(previous);
            }
            previous = id;
        }
        return new Horizon(previous);
    }

    private boolean gapExpired(long missingId) {
        long now = System.nanoTime();
        Long first;
        synchronized (gapsSeen) {
            first = gapsSeen.putIfAbsent(missingId, now);
        }
        return first != null && now - first > gapPatienceNanos;
    }

    /**
     * The page after the filter's cursor; if it is empty, waits up to {@code wait} for events that
     * match and answers with what arrived (possibly nothing). No polling: each commit that wrote
     * events wakes the waiter once, and it reads again. A page that would leave out matching events
     * because they lie past a missing id is not answered cut short (a one-off reader would miss
     * them, a pager would take an empty page for the end): the reader looks again shortly — a
     * rolled-back id commits nothing that would wake it — past {@code wait} if need be, until the
     * id commits or its gap patience is over (so at most that much later).
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
        CompletableFuture<Boolean> next = feed.next(Duration.ofNanos(Math.max(left, 2 * GAP_RECHECK_NANOS)));
        Read read;
        try {
            read = read(filter);
        } catch (RuntimeException e) {
            next.complete(false);
            result.completeExceptionally(e);
            return;
        }
        if (!read.cut() && (!read.events().isEmpty() || left <= 0)) {
            next.complete(false);
            result.complete(read.events());
            return;
        }
        if (read.cut()) {
            next.completeOnTimeout(true, GAP_RECHECK_NANOS, TimeUnit.NANOSECONDS);
        } else {
            next.completeOnTimeout(false, left, TimeUnit.NANOSECONDS);
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
