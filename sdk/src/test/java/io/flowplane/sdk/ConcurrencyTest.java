package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Futures, mapping, wait all/any, the bounded pool and tag concurrency limits. */
class ConcurrencyTest {
    record Empty() {
    }

    @TempDir
    Path dir;

    @Test
    void mapRunsConcurrentlyAndKeepsInputOrder() {
        int n = 6;
        CountDownLatch allStarted = new CountDownLatch(n);
        Task<Integer, Integer> square = Task.of("square", x -> {
            allStarted.countDown();
            // Only passes if all n run at the same time.
            if (!allStarted.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not concurrent");
            }
            return x * x;
        });
        try (FlowTester t = new FlowTester(dir, b -> b.threads(n))) {
            FlowRunResult<List<Integer>> r = t.run(Flow.of("mapping", Empty.class,
                    p -> square.map(IntStream.rangeClosed(1, n).boxed().toList())), new Empty());
            assertThat(r.result()).containsExactly(1, 4, 9, 16, 25, 36);
            assertThat(r.taskRuns("square")).hasSize(n).extracting(TaskRunResult::name)
                    .containsExactly("square-1", "square-2", "square-3", "square-4", "square-5", "square-6");
        }
    }

    @Test
    void thePoolIsBoundedAndNestedWaitsDoNotDeadlock() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Task<Integer, Integer> leaf = Task.of("leaf", x -> {
            threads.add(Thread.currentThread().getName());
            return x + 1;
        });
        // A task that submits tasks and waits for them, on a one-thread pool.
        Task<Integer, Integer> fanOut = Task.of("fan-out", x -> leaf.map(List.of(x, x, x)).stream().mapToInt(i -> i).sum());
        try (FlowTester t = new FlowTester(dir, b -> b.threads(1))) {
            FlowRunResult<Integer> r = t.run(Flow.of("nested", Empty.class, p -> fanOut.submit(1).get()), new Empty());
            assertThat(r.result()).isEqualTo(6);
            // Waiters run not-yet-started tasks themselves, so the caller's thread may appear too.
            assertThat(threads).filteredOn(n -> n.startsWith("flowplane-task-")).containsOnly("flowplane-task-1");
        }
    }

    @Test
    void submitReturnsAFutureAndWaitAnyReturnsTheFirstDone() {
        CountDownLatch release = new CountDownLatch(1);
        Task<String, String> slow = Task.of("slow", s -> {
            release.await(10, TimeUnit.SECONDS);
            return s;
        });
        Task<String, String> quick = Task.of("quick", s -> s);
        try (FlowTester t = new FlowTester(dir, b -> b.threads(4))) {
            FlowRunResult<String> r = t.run(Flow.of("any", Empty.class, p -> {
                TaskFuture<String> a = slow.submit("slow");
                TaskFuture<String> b = quick.submit("quick");
                TaskFuture<String> first = TaskFuture.waitAny(List.of(a, b));
                String winner = first.get();
                release.countDown();
                return winner + "+" + a.get();
            }), new Empty());
            assertThat(r.result()).isEqualTo("quick+slow");
        }
    }

    @Test
    void waitAllThrowsTheFirstFailureAfterWaitingForAll() {
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch twoFailed = new CountDownLatch(1);
        Task<Integer, Integer> maybe = Task.of("maybe", x -> {
            if (x == 2) {
                twoFailed.countDown();
                throw new IllegalStateException("two");
            }
            // The others finish only after the failure: waitAll must still wait for them.
            twoFailed.await();
            finished.incrementAndGet();
            return x;
        });
        try (FlowTester t = new FlowTester(dir, b -> b.threads(4))) {
            FlowRunResult<List<Integer>> r = t.run(Flow.of("all", Empty.class,
                    p -> TaskFuture.waitAll(maybe.mapSubmit(List.of(1, 2, 3)))), new Empty());
            assertThat(r.state()).isEqualTo(State.FAILED);
            assertThat(r.error()).isInstanceOf(TaskFailedException.class).hasRootCauseMessage("two");
            assertThat(finished).hasValue(2);
            assertThat(r.taskRuns("maybe")).extracting(TaskRunResult::state)
                    .containsExactly(State.COMPLETED, State.FAILED, State.COMPLETED);
        }
    }

    @Test
    void anUnawaitedFailedSubmissionFailsTheFlow() {
        Task<Void, Void> bad = Task.supplier("bad", () -> {
            throw new IllegalStateException("forgotten");
        });
        try (FlowTester t = new FlowTester(dir)) {
            FlowRunResult<String> r = t.run(Flow.of("forgetful", Empty.class, p -> {
                bad.submit(null);
                return "done";
            }), new Empty());
            assertThat(r.state()).isEqualTo(State.FAILED);
            assertThat(r.error()).hasMessageContaining("1 submitted task run(s) failed");
        }
    }

    @Test
    void tagLimitCapsConcurrentRunsWithThatTag() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Task<Integer, Integer> query = Task.<Integer, Integer>of("query", x -> {
            int now = running.incrementAndGet();
            started.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            // Hold the slot until another query runs alongside (or none is left to start), so the
            // limit is reached whenever it allows two; a third would show in the peak.
            Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> peak.get() > 2 || running.get() >= 2 || started.get() == 16);
            running.decrementAndGet();
            return x;
        }).tags("db", "reporting");
        try (FlowTester t = new FlowTester(dir, b -> b.threads(8).tagLimit("db", 2))) {
            FlowRunResult<List<Integer>> r = t.run(Flow.of("limited", Empty.class,
                    p -> query.map(IntStream.range(0, 16).boxed().toList())), new Empty());
            assertThat(r.isCompleted()).isTrue();
            assertThat(peak.get()).as("never more than the limit").isLessThanOrEqualTo(2);
            assertThat(peak.get()).as("the limit is used").isEqualTo(2);
            assertThat(r.taskRuns("query").get(0).tags()).containsExactly("db", "reporting");
        }
    }

    @Test
    void outsideAFlowTasksArePlainFunctions() {
        Task<Integer, Integer> twice = Task.of("twice", x -> 2 * x);
        assertThat(twice.call(21)).isEqualTo(42);
        assertThat(twice.map(List.of(1, 2))).containsExactly(2, 4);
        assertThat(twice.submit(5).get()).isEqualTo(10);
    }
}
