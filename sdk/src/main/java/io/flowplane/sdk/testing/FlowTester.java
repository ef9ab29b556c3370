package io.flowplane.sdk.testing;

import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.results.LocalResultStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Runs flows in-process for tests, with no server: a {@link ManualClock} (retry delays pass
 * instantly), a result store in a directory the test owns, and the full {@link FlowRunResult}
 * (task states, attempts and their times, results, logs) to assert on.
 */
public final class FlowTester implements AutoCloseable {
    private final ManualClock clock;
    private final LocalResultStore store;
    private final FlowRunner runner;

    public FlowTester(Path resultDir) {
        this(resultDir, b -> b);
    }

    /** {@code customize} adjusts the runner (threads, tag limits, …) after the test defaults. */
    public FlowTester(Path resultDir, UnaryOperator<FlowRunner.Builder> customize) {
        this.clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        this.store = new LocalResultStore(resultDir);
        this.runner = customize.apply(FlowRunner.builder().clock(clock).sleeper(clock).resultStore(store)).build();
    }

    public <P, R> FlowRunResult<R> run(Flow<P, R> flow, P parameters) {
        return runner.run(flow, parameters);
    }

    public ManualClock clock() {
        return clock;
    }

    public LocalResultStore resultStore() {
        return store;
    }

    @Override
    public void close() {
        runner.close();
        store.close();
    }
}
