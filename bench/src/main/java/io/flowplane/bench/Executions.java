package io.flowplane.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the no-op executors saw: when each run started executing, and how often each run was executed. */
public final class Executions {
    public static final Executions GLOBAL = new Executions();

    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Integer> times = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private volatile java.util.function.Consumer<String> onStart = id -> { };

    /** Called by a no-op executor as it starts a run. */
    public void started(String runId) {
        long now = System.nanoTime();
        started.putIfAbsent(runId, now);
        times.merge(runId, 1, Integer::sum);
        total.incrementAndGet();
        onStart.accept(runId);
    }

    public Long startedAt(String runId) {
        return started.get(runId);
    }

    public long total() {
        return total.get();
    }

    /** Runs executed more than once. */
    public long duplicates() {
        return times.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    }

    public void onStart(java.util.function.Consumer<String> listener) {
        this.onStart = listener;
    }

    public void reset() {
        started.clear();
        times.clear();
        total.set(0);
        onStart = id -> { };
    }
}
