package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Cache hits, misses and expiry across runs; the cached value comes back from the result store. */
class CachingTest {
    record Input(String city, int year) {
    }

    record Stats(String city, double mean, List<Integer> samples) {
    }

    record Params(List<Input> inputs) {
    }

    @TempDir
    Path dir;
    FlowTester tester;
    final AtomicInteger computed = new AtomicInteger();

    @BeforeEach
    void start() {
        tester = new FlowTester(dir);
    }

    @AfterEach
    void stop() {
        tester.close();
    }

    private Task<Input, Stats> stats(CachePolicy<Input, Stats> policy) {
        return Task.<Input, Stats>of("stats", in -> {
            computed.incrementAndGet();
            return new Stats(in.city(), in.year() / 2.0, List.of(in.year(), in.year() + 1));
        }).cache(policy);
    }

    private FlowRunResult<List<Stats>> run(Task<Input, Stats> task, Input... inputs) {
        return tester.run(Flow.of("cached", Params.class, p -> {
            List<Stats> out = new java.util.ArrayList<>();
            for (Input in : p.inputs()) {
                out.add(task.call(in));
            }
            return out;
        }), new Params(List.of(inputs)));
    }

    @Test
    void sameInputsHitDifferentInputsMiss() {
        Task<Input, Stats> task = stats(CachePolicy.inputs(Stats.class));
        FlowRunResult<List<Stats>> first = run(task, new Input("Oslo", 2024), new Input("Rome", 2024));
        assertThat(computed).hasValue(2);
        assertThat(first.taskRuns("stats")).extracting(TaskRunResult::state).containsOnly(State.COMPLETED);

        FlowRunResult<List<Stats>> second = run(task, new Input("Oslo", 2024), new Input("Oslo", 2025));
        assertThat(computed).as("only the new input computed").hasValue(3);
        assertThat(second.taskRuns("stats")).extracting(TaskRunResult::state)
                .containsExactly(State.CACHED, State.COMPLETED);
        assertThat(second.result().get(0)).as("the cached value read back as the record")
                .isEqualTo(new Stats("Oslo", 1012.0, List.of(2024, 2025)));
        TaskRunResult hit = second.taskRuns("stats").get(0);
        assertThat(hit.cacheKey()).isEqualTo(first.taskRuns("stats").get(0).cacheKey()).startsWith("stats:");
        assertThat(hit.resultRef()).isEqualTo(first.taskRuns("stats").get(0).resultRef());
    }

    @Test
    void expiredEntriesAreRecomputed() {
        Task<Input, Stats> task = stats(CachePolicy.<Input, Stats>inputs(Stats.class).expireAfter(Duration.ofHours(1)));
        run(task, new Input("Oslo", 2024));
        tester.clock().advance(Duration.ofMinutes(59));
        assertThat(run(task, new Input("Oslo", 2024)).taskRun("stats").state()).isEqualTo(State.CACHED);
        tester.clock().advance(Duration.ofMinutes(2));
        assertThat(run(task, new Input("Oslo", 2024)).taskRun("stats").state()).isEqualTo(State.COMPLETED);
        assertThat(computed).hasValue(2);
        tester.clock().advance(Duration.ofMinutes(30));
        assertThat(run(task, new Input("Oslo", 2024)).taskRun("stats").state())
                .as("the recomputed value was cached afresh").isEqualTo(State.CACHED);
    }

    @Test
    void customKeyIgnoresWhatItLeavesOut() {
        Task<Input, Stats> byCity = stats(CachePolicy.key(Input::city, Stats.class));
        run(byCity, new Input("Oslo", 2024), new Input("Oslo", 1999));
        assertThat(computed).hasValue(1);
    }

    @Test
    void keysAreScopedByTaskName() {
        Task<Input, Stats> a = stats(CachePolicy.inputs(Stats.class));
        Task<Input, Stats> b = Task.<Input, Stats>of("other-stats", in -> {
            computed.incrementAndGet();
            return new Stats("b", 0, List.of());
        }).cache(CachePolicy.inputs(Stats.class));
        Input in = new Input("Oslo", 2024);
        tester.run(Flow.of("two", Params.class, p -> List.of(a.call(in), b.call(in))), new Params(List.of()));
        assertThat(computed).hasValue(2);
    }
}
