package io.flowplane.controlplane.automations;

import io.flowplane.controlplane.eventlog.EventDraft;
import io.flowplane.controlplane.eventlog.EventLog;
import io.flowplane.controlplane.eventlog.EventReader;
import io.flowplane.controlplane.eventlog.EventTypes;
import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.store.EventQueries;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The REST reader's cursor never passes an event id that is still to commit: an earlier id that
 * commits after a later one is returned, not skipped, and a rolled-back id holds a page back only
 * for the gap patience. Real transactions on the control plane's store.
 */
class EventCursorGapTest {
    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static Store store;
    static EventLog log;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
        store = cp.services().core().store();
        log = cp.services().background().automations().eventLog();
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    @Test
    void anEarlierIdCommittedAfterALaterOneIsReturnedNotSkipped() throws Exception {
        // Patience far longer than the test: only the commit may release the page.
        EventReader reader = new EventReader(store, log.feed(), Duration.ofMinutes(5));
        EventQueries.Filter filter = filterAfter(currentMax());
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> early = CompletableFuture.runAsync(() -> store.useTransaction(unit -> {
            log.record(unit, draft("early"));
            inserted.countDown();
            await(release);
        }));
        assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
        store.useTransaction(unit -> log.record(unit, draft("late")));

        assertThat(store.events(filter)).extracting(EventEntry::resourceId).as("the log as committed so far")
                .containsExactly("late");
        assertThat(reader.page(filter)).as("a page stops before the id still to commit").isEmpty();
        CompletableFuture<List<EventEntry>> follow = reader.follow(filter, Duration.ofSeconds(20));
        assertThat(follow).isNotDone();

        release.countDown();
        early.get(10, TimeUnit.SECONDS);
        assertThat(follow.get(10, TimeUnit.SECONDS)).extracting(EventEntry::resourceId).containsExactly("early", "late");
        assertThat(reader.page(filter)).extracting(EventEntry::resourceId).containsExactly("early", "late");
    }

    @Test
    void aRolledBackIdHoldsAPageBackOnlyForTheGapPatience() throws Exception {
        EventReader reader = new EventReader(store, log.feed(), Duration.ofMillis(300));
        EventQueries.Filter filter = filterAfter(currentMax());
        assertThatThrownBy(() -> store.useTransaction(unit -> {
            log.record(unit, draft("rolled-back"));
            throw new IllegalStateException("roll back");
        })).isInstanceOf(IllegalStateException.class);
        store.useTransaction(unit -> log.record(unit, draft("after-rollback")));

        assertThat(reader.page(filter)).as("the missing id may still commit").isEmpty();
        // A page without wait (REST paging) is not answered empty as if the log ended there: no
        // commit comes to wake the reader, it looks again by itself until the patience is over.
        long t0 = System.nanoTime();
        List<EventEntry> paged = reader.follow(filter, Duration.ZERO).get(10, TimeUnit.SECONDS);
        assertThat(paged).extracting(EventEntry::resourceId).containsExactly("after-rollback");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("held for the patience, not much longer")
                .isLessThan(Duration.ofSeconds(5));
    }

    private static long currentMax() {
        return store.inTransaction(unit -> EventQueries.maxId(unit.handle()));
    }

    /** Only this test's event type: the guard must still look at every id, not only the matching ones. */
    private static EventQueries.Filter filterAfter(long after) {
        return new EventQueries.Filter(Set.of(EventTypes.BACKFILL_FINISHED), Set.of(), null, null, null, null, after, 100);
    }

    private static EventDraft draft(String name) {
        return EventDraft.of(EventTypes.BACKFILL_FINISHED, "backfill", name, name, Map.of());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
