package io.flowplane.controlplane.store;

import io.flowplane.controlplane.testing.H2File;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group commit on a real H2 file: shared transactions, each caller its own result, failures isolated. */
class GroupCommitTest {
    @TempDir
    Path dir;

    private H2File db;
    private Store store;
    private GroupCommit group;

    @BeforeEach
    void open() {
        db = H2File.open(dir);
        store = db.store();
        group = new GroupCommit(store);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void concurrentSubmissionsShareTransactionsAndEachGetsItsOwnResult() throws Exception {
        int n = 40;
        Set<UnitOfWork> units = ConcurrentHashMap.newKeySet();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = "k" + i;
                boolean first = i == 0;
                results.add(threads.submit(() -> group.submit(work(unit -> {
                    units.add(unit);
                    if (first) {
                        // Holds its transaction until every other piece is queued behind it.
                        holding.countDown();
                        await(release);
                    }
                    insert(unit, key);
                    return key;
                }))));
                if (first) {
                    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
                }
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> group.queued() == n - 1);
            release.countDown();
            for (int i = 0; i < n; i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("k" + i);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(count("SELECT COUNT(*) FROM event_sources")).isEqualTo(n);
        // The first alone, then the 39 queued ones in groups of at most 32.
        assertThat(units).hasSize(3);
    }

    @Test
    void aFailingPieceFailsAloneAndTheOthersCommit() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            // The first piece holds the group open until the others are queued behind it.
            Future<String> first = threads.submit(() -> group.submit(work(unit -> {
                holding.countDown();
                await(release);
                insert(unit, "first");
                return "first";
            })));
            holding.await(10, TimeUnit.SECONDS);
            Future<String> bad = threads.submit(() -> group.submit(work(unit -> {
                attempts.incrementAndGet();
                insert(unit, "bad");
                throw new IllegalStateException("this piece fails");
            })));
            Future<String> good = threads.submit(() -> group.submit(work(unit -> {
                insert(unit, "good");
                return "good";
            })));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> group.queued() == 2);
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(good.get(30, TimeUnit.SECONDS)).isEqualTo("good");
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this piece fails");
        } finally {
            threads.shutdownNow();
        }
        assertThat(count("SELECT COUNT(*) FROM event_sources WHERE source_id IN ('first', 'good')")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM event_sources WHERE source_id = 'bad'")).isZero();
        assertThat(attempts.get()).as("tried in the group, then alone").isEqualTo(2);
    }

    private static void insert(UnitOfWork unit, String source) {
        unit.handle().execute("INSERT INTO event_sources (source_id, acked_seq, updated_at) VALUES (?, 0, 0)", source);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long count(String sql) {
        return store.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static <T> GroupCommit.Work<T> work(Function<UnitOfWork, T> body) {
        return new GroupCommit.Work<>() {
            @Override
            public Collection<UUID> runs() {
                return List.of();
            }

            @Override
            public T apply(UnitOfWork unit) {
                return body.apply(unit);
            }
        };
    }
}
