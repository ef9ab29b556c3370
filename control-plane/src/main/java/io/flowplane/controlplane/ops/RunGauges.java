package io.flowplane.controlplane.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.store.RunGaugeQueries;
import io.flowplane.controlplane.store.RunGaugeQueries.Due;
import io.flowplane.controlplane.store.RunGaugeQueries.Row;
import io.flowplane.controlplane.store.Store;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Gauges read from the store at scrape time: unfinished runs by pool and state, due runs and the
 * oldest due run's age per queue, Late runs and online agents per pool. The queries
 * ({@link RunGaugeQueries}) read only index ranges that hold unfinished runs, and the results
 * are reused for {@code ttl}, so a scrape costs little however many finished runs are stored.
 * Finished runs are counted by {@code flowplane_run_transitions_total} instead.
 */
public final class RunGauges {
    private static final TypeReference<List<String>> POOLS = new TypeReference<>() { };

    private final RunGaugeQueries queries;
    private final Clock clock;
    private final Duration agentOfflineAfter;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ObjectMapper mapper;
    private Snapshot cached;
    private long cachedAt;

    /** What one pass of queries found. */
    record Snapshot(List<Row> byState, List<Due> due, Map<String, Long> agentsOnline) {
    }

    public RunGauges(Store store, Clock clock, Duration agentOfflineAfter, Duration ttl, ObjectMapper mapper) {
        this(store, clock, agentOfflineAfter, ttl, mapper, System::nanoTime);
    }

    RunGauges(Store store, Clock clock, Duration agentOfflineAfter, Duration ttl, ObjectMapper mapper,
              LongSupplier nanoTime) {
        this.queries = new RunGaugeQueries(store);
        this.clock = clock;
        this.agentOfflineAfter = agentOfflineAfter;
        this.ttlNanos = ttl.toNanos();
        this.mapper = mapper;
        this.nanoTime = nanoTime;
    }

    public void register(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("flowplane_runs_unfinished").help("Unfinished runs by work pool and state type")
                .labelNames("pool", "state")
                .callback(cb -> snapshot().byState().forEach(r -> cb.call(r.count(), r.pool(), r.state())))
                .register(registry);
        GaugeWithCallback.builder().name("flowplane_runs_due").help("Runs due now and not yet claimed, by pool and queue")
                .labelNames("pool", "queue")
                .callback(cb -> snapshot().due().forEach(d -> cb.call(d.count(), d.pool(), d.queue())))
                .register(registry);
        GaugeWithCallback.builder().name("flowplane_runs_due_oldest_age_seconds")
                .help("How long the oldest due, unclaimed run of a queue has been due")
                .labelNames("pool", "queue")
                .callback(cb -> {
                    Instant now = clock.instant();
                    snapshot().due().forEach(d -> cb.call(Math.max(0, Duration.between(d.oldest(), now).toMillis() / 1000.0),
                            d.pool(), d.queue()));
                })
                .register(registry);
        GaugeWithCallback.builder().name("flowplane_runs_late").help("Runs in the Late state, by pool and queue")
                .labelNames("pool", "queue")
                .callback(cb -> snapshot().due().forEach(d -> cb.call(d.late(), d.pool(), d.queue())))
                .register(registry);
        GaugeWithCallback.builder().name("flowplane_agents_online")
                .help("Agents whose last heartbeat is recent enough, by the pools they serve")
                .labelNames("pool")
                .callback(cb -> snapshot().agentsOnline().forEach((pool, n) -> cb.call(n, pool)))
                .register(registry);
    }

    synchronized Snapshot snapshot() {
        long now = nanoTime.getAsLong();
        if (cached == null || now - cachedAt >= ttlNanos) {
            cached = query();
            cachedAt = now;
        }
        return cached;
    }

    private Snapshot query() {
        Instant now = clock.instant();
        RunGaugeQueries.Counts counts = queries.read(now, now.minus(agentOfflineAfter));
        Map<String, Long> online = new TreeMap<>();
        counts.agentPools().forEach(pools -> parsePools(pools).forEach(p -> online.merge(p, 1L, Long::sum)));
        return new Snapshot(counts.byState(), counts.due(), online);
    }

    private List<String> parsePools(String json) {
        try {
            return mapper.readValue(json, POOLS);
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
