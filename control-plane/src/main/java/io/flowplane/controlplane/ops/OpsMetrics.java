package io.flowplane.controlplane.ops;

import io.flowplane.controlplane.ledger.AppliedTransitions;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.util.Locale;

/**
 * The control plane's labelled metrics, in a Prometheus registry of its own (one per
 * application, so several control planes in one test JVM do not share numbers). Dropwizard's
 * metrics cannot carry labels; these can. Every method is cheap and thread-safe.
 */
public final class OpsMetrics implements AppliedTransitions.Observer {
    private static final double[] LATENCY_BUCKETS = {.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30};

    /** Exported nowhere: for code built without metrics (tests that construct services directly). */
    public static final OpsMetrics NONE = new OpsMetrics(null);

    private final PrometheusRegistry registry;
    private final Counter transitions;
    private final Histogram claimDuration;
    private final Histogram dispatchLatency;
    private final Histogram batchSize;
    private final Counter logLines;
    private final Histogram restDuration;
    private final Histogram grpcDuration;

    private OpsMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        PrometheusRegistry r = registry == null ? new PrometheusRegistry() : registry;
        transitions = Counter.builder().name("flowplane_run_transitions_total")
                .help("State-type transitions the ledger wrote (claims included)").labelNames("from", "to").register(r);
        claimDuration = Histogram.builder().name("flowplane_claim_duration_seconds")
                .help("One claim transaction (the pool's lock, choosing and moving runs)")
                .classicUpperBounds(LATENCY_BUCKETS).classicOnly().register(r);
        dispatchLatency = Histogram.builder().name("flowplane_dispatch_latency_seconds")
                .help("From a first attempt being due (its scheduled time, or its creation if later) to its claim")
                .classicUpperBounds(LATENCY_BUCKETS).classicOnly().labelNames("pool").register(r);
        batchSize = Histogram.builder().name("flowplane_event_batch_size")
                .help("New events persisted per agent report batch")
                .classicUpperBounds(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000).classicOnly().register(r);
        logLines = Counter.builder().name("flowplane_log_lines_ingested_total")
                .help("Log lines received in reports (before per-run caps)").register(r);
        restDuration = Histogram.builder().name("flowplane_rest_request_duration_seconds")
                .help("REST requests by route template, method and status")
                .classicUpperBounds(LATENCY_BUCKETS).classicOnly().labelNames("route", "method", "status").register(r);
        grpcDuration = Histogram.builder().name("flowplane_grpc_call_duration_seconds")
                .help("gRPC calls by full method name and status code (long polls included)")
                .classicUpperBounds(LATENCY_BUCKETS).classicOnly().labelNames("method", "code").register(r);
    }

    /** Metrics that are exported from {@code registry}. */
    public static OpsMetrics in(PrometheusRegistry registry) {
        return new OpsMetrics(registry);
    }

    /** The registry, or null for {@link #NONE}. */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void applied(StateType from, StateType to, Actor actor) {
        transitions.labelValues(name(from), name(to)).inc();
    }

    public void claimed(Duration took) {
        claimDuration.observe(seconds(took));
    }

    public void dispatched(String pool, Duration dueToClaim) {
        dispatchLatency.labelValues(pool == null ? "" : pool).observe(Math.max(0, seconds(dueToClaim)));
    }

    public void eventBatch(int persisted, int lines) {
        batchSize.observe(persisted);
        if (lines > 0) {
            logLines.inc(lines);
        }
    }

    public void rest(String route, String method, int status, Duration took) {
        restDuration.labelValues(route, method, Integer.toString(status)).observe(seconds(took));
    }

    public void grpc(String method, String code, Duration took) {
        grpcDuration.labelValues(method, code).observe(seconds(took));
    }

    private static String name(StateType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
