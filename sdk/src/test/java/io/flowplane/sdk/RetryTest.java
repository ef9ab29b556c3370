package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries with delays as specified, asserted on attempt times recorded with a manual clock. */
class RetryTest {
    record Empty() {
    }

    @TempDir
    Path dir;
    FlowTester tester;

    @BeforeEach
    void start() {
        tester = new FlowTester(dir);
    }

    @AfterEach
    void stop() {
        tester.close();
    }

    /** A task that fails {@code failures} times with {@code error}, then returns "ok". */
    private static Task<Void, String> flaky(int failures, RuntimeException error) {
        AtomicInteger calls = new AtomicInteger();
        return Task.supplier("flaky", () -> {
            if (calls.incrementAndGet() <= failures) {
                throw error;
            }
            return "ok";
        });
    }

    private FlowRunResult<String> runWith(Task<Void, String> task) {
        return tester.run(Flow.of("retrying", Empty.class, p -> task.call()), new Empty());
    }

    private static List<Duration> gaps(List<Instant> starts) {
        return java.util.stream.IntStream.range(1, starts.size())
                .mapToObj(i -> Duration.between(starts.get(i - 1), starts.get(i))).toList();
    }

    @Test
    void fixedDelayBetweenEveryAttempt() {
        FlowRunResult<String> r = runWith(flaky(2, new IllegalStateException("boom"))
                .retries(RetryPolicy.fixed(3, Duration.ofSeconds(10))));
        assertThat(r.result()).isEqualTo("ok");
        TaskRunResult t = r.taskRun("flaky");
        assertThat(t.state()).isEqualTo(State.COMPLETED);
        assertThat(t.attempts()).isEqualTo(3);
        assertThat(gaps(t.attemptStarts())).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void listOfDelaysInOrderThenGivesUp() {
        FlowRunResult<String> r = runWith(flaky(10, new IllegalStateException("always"))
                .retries(RetryPolicy.delays(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1))));
        TaskRunResult t = r.taskRun("flaky");
        assertThat(t.attempts()).isEqualTo(4);
        assertThat(gaps(t.attemptStarts())).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        assertThat(t.state()).isEqualTo(State.FAILED);
        assertThat(t.message()).contains("always");
        assertThat(r.state()).isEqualTo(State.FAILED);
        assertThat(r.error()).isInstanceOf(TaskFailedException.class).hasRootCauseMessage("always");
    }

    @Test
    void exponentialBackoffIsCapped() {
        FlowRunResult<String> r = runWith(flaky(5, new IllegalStateException("x"))
                .retries(RetryPolicy.exponential(5, Duration.ofSeconds(2), 3, Duration.ofSeconds(60))));
        assertThat(r.isCompleted()).isTrue();
        assertThat(gaps(r.taskRun("flaky").attemptStarts())).containsExactly(Duration.ofSeconds(2),
                Duration.ofSeconds(6), Duration.ofSeconds(18), Duration.ofSeconds(54), Duration.ofSeconds(60));
    }

    @Test
    void jitterSpreadsDelaysWithinTheFactor() {
        RetryPolicy policy = RetryPolicy.fixed(1, Duration.ofSeconds(10)).withJitter(0.2);
        assertThat(policy.delayBefore(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayBefore(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayBefore(1, () -> 0.999999)).isBetween(Duration.ofMillis(11_999), Duration.ofSeconds(12));
        FlowRunResult<String> r = runWith(flaky(3, new IllegalStateException("x"))
                .retries(RetryPolicy.fixed(3, Duration.ofSeconds(10)).withJitter(0.2)));
        assertThat(gaps(r.taskRun("flaky").attemptStarts())).hasSize(3)
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12)));
    }

    @Test
    void retryOnPredicateFailsAtOnceOnOtherErrors() {
        FlowRunResult<String> r = runWith(flaky(1, new IllegalArgumentException("bad input"))
                .retries(RetryPolicy.fixed(3, Duration.ofSeconds(1)).retryOn(UncheckedIOException.class)));
        assertThat(r.taskRun("flaky").attempts()).isEqualTo(1);
        assertThat(r.taskRun("flaky").state()).isEqualTo(State.FAILED);
        assertThat(tester.clock().sleeps()).isEmpty();

        FlowRunResult<String> io = runWith(flaky(1, new UncheckedIOException(new IOException("reset")))
                .retries(RetryPolicy.fixed(3, Duration.ofSeconds(1)).retryOn(UncheckedIOException.class)));
        assertThat(io.taskRun("flaky").attempts()).isEqualTo(2);
        assertThat(io.isCompleted()).isTrue();
    }

    @Test
    void aFailureTheFlowCatchesDoesNotFailTheFlow() {
        Task<Void, String> bad = flaky(9, new IllegalStateException("nope"));
        FlowRunResult<String> r = tester.run(Flow.of("tolerant", Empty.class, p -> {
            try {
                return bad.call();
            } catch (TaskFailedException e) {
                return "fallback";
            }
        }), new Empty());
        assertThat(r.state()).isEqualTo(State.COMPLETED);
        assertThat(r.result()).isEqualTo("fallback");
        assertThat(r.taskRun("flaky").state()).isEqualTo(State.FAILED);
    }
}
