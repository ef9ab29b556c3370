package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import io.flowplane.sdk.testing.FlowplaneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The JUnit 5 extension hands each test a FlowTester with a manual clock and a private result store. */
@ExtendWith(FlowplaneExtension.class)
class ExtensionTest {
    record Empty() {
    }

    @Test
    void injectsATesterWhoseClockMovesWithRetryDelays(FlowTester tester) {
        AtomicInteger calls = new AtomicInteger();
        Task<Void, Integer> flaky = Task.supplier("flaky", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            return calls.get();
        }).retries(RetryPolicy.fixed(5, Duration.ofMinutes(5)));
        var start = tester.clock().instant();
        FlowRunResult<Integer> r = tester.run(Flow.of("ext", Empty.class, p -> flaky.call()), new Empty());
        assertThat(r.result()).isEqualTo(3);
        assertThat(tester.clock().instant()).isEqualTo(start.plus(Duration.ofMinutes(10)));
        assertThat(tester.clock().sleeps()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(5));
        assertThat(tester.resultStore().directory()).exists();
    }
}
