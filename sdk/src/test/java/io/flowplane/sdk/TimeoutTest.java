package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TimeoutTest {
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

    @Test
    void anAttemptPastItsTimeoutIsInterruptedAndTimedOut() {
        Task<Void, String> slow = Task.supplier("slow", () -> {
            new CountDownLatch(1).await(); // blocks until the timeout interrupts it
            return "never";
        }).timeout(Duration.ofMillis(100));
        long t0 = System.nanoTime();
        FlowRunResult<String> r = tester.run(Flow.of("timeouts", Empty.class, p -> slow.call()), new Empty());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("interrupted, not waited out")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(r.taskRun("slow").state()).isEqualTo(State.TIMED_OUT);
        assertThat(r.state()).isEqualTo(State.FAILED);
        assertThat(r.error()).hasCauseInstanceOf(TaskTimeoutException.class);
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt does not leak").isFalse();
    }

    @Test
    void timedOutAttemptsAreRetriedAndAFastOneCompletes() {
        AtomicInteger calls = new AtomicInteger();
        Task<Void, Integer> sometimesSlow = Task.supplier("sometimes-slow", () -> {
            if (calls.incrementAndGet() == 1) {
                new CountDownLatch(1).await(); // the first attempt blocks until its timeout interrupts it
            }
            return calls.get();
        }).timeout(Duration.ofMillis(100)).retries(RetryPolicy.fixed(2, Duration.ofSeconds(1)));
        FlowRunResult<Integer> r = tester.run(Flow.of("timeouts", Empty.class, p -> sometimesSlow.call()), new Empty());
        assertThat(r.isCompleted()).isTrue();
        assertThat(r.result()).isEqualTo(2);
        assertThat(r.taskRun("sometimes-slow").attempts()).isEqualTo(2);
    }

    @Test
    void aFastTaskIsNotDisturbedByItsTimeout() throws Exception {
        Task<Integer, Integer> fast = Task.<Integer, Integer>of("fast", x -> x + 1).timeout(Duration.ofMillis(50));
        FlowRunResult<Integer> r = tester.run(Flow.of("timeouts", Empty.class, p -> fast.call(1) + fast.call(2)),
                new Empty());
        assertThat(r.result()).isEqualTo(5);
        // No late interrupt reaches this thread for a while after the attempts ended.
        Awaitility.await().pollInSameThread().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> !Thread.currentThread().isInterrupted());
    }
}
