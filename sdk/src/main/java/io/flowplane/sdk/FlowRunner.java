package io.flowplane.sdk;

import io.flowplane.proto.endpoints.Endpoints;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.internal.AgentEnvironment;
import io.flowplane.sdk.internal.DirectRuns;
import io.flowplane.sdk.internal.Engine;
import io.flowplane.sdk.internal.EngineConfig;
import io.flowplane.sdk.internal.GrpcReporting;
import io.flowplane.sdk.internal.Reporting;
import io.flowplane.sdk.results.LocalResultStore;
import io.flowplane.sdk.results.ResultStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs flows in this process: locally with no server (the default), under an agent (reporting to
 * its relay), or reporting directly to a control plane. Reporting never blocks tasks; each run's
 * events are flushed (acknowledged) before {@link #run} returns. Close it when done.
 */
public final class FlowRunner implements AutoCloseable {
    private final Engine engine;
    private final Duration flushTimeout;

    private FlowRunner(Engine engine, Duration flushTimeout) {
        this.engine = engine;
        this.flushTimeout = flushTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the flow to its end and returns how it ended; the flow's own failures do not throw. */
    public <P, R> FlowRunResult<R> run(Flow<P, R> flow, P parameters) {
        FlowRunResult<R> result = engine.runRoot(flow, parameters, null);
        engine.config().resultStore().flush();
        if (!engine.config().reporting().flush(flushTimeout)) {
            org.slf4j.LoggerFactory.getLogger(FlowRunner.class).warn(
                    "not every event of run {} was acknowledged within {} s", result.id(), flushTimeout.toSeconds());
        }
        return result;
    }

    @Override
    public void close() {
        engine.close();
        engine.config().reporting().close();
        engine.config().resultStore().flush();
    }

    /** Configuration; every setting has a default. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        private ResultStore resultStore;
        private final Map<String, Integer> tagLimits = new LinkedHashMap<>();
        private Reporting reporting = Reporting.NONE;
        private boolean captureLogs = true;
        private Duration flushTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** The clock task runs are timed with (tests pass a settable one). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** How retry delays are waited out (tests pass one that moves their clock). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** Threads of the task runner that submitted and mapped task runs execute on. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            this.threads = threads;
            return this;
        }

        /** Where results go; default a {@link LocalResultStore} in FLOWPLANE_RESULTS_DIR or .flowplane/results. */
        public Builder resultStore(ResultStore store) {
            this.resultStore = Objects.requireNonNull(store);
            return this;
        }

        /** At most {@code limit} task runs tagged {@code tag} execute at once within a flow run. */
        public Builder tagLimit(String tag, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("a tag limit must be >= 1");
            }
            tagLimits.put(tag, limit);
            return this;
        }

        /** Whether stdout/stderr and SLF4J lines written inside runs are captured and reported (default true). */
        public Builder captureLogs(boolean capture) {
            this.captureLogs = capture;
            return this;
        }

        public Builder flushTimeout(Duration timeout) {
            this.flushTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Report to the agent's local relay, for the run the agent started this process for. */
        public Builder underAgent(AgentEnvironment env) {
            this.reporting = new GrpcReporting(env.eventsEndpoint(), true, env.eventsToken(), env.runSource(), null,
                    clock);
            return this;
        }

        /**
         * Report directly to a control plane: each flow run is created there (POST /flow-runs) and
         * reported over gRPC with heartbeats.
         *
         * @param restUrl    e.g. {@code http://cp.example.com:8080}; several replicas separated by commas
         * @param grpcTarget e.g. {@code cp.example.com:9090}; several replicas separated by commas (the
         *                   channel moves to the next when one cannot be reached, and events are re-sent
         *                   there: the control plane discards duplicates by source and sequence)
         * @param plaintext  gRPC without TLS (a {@code grpcs://} entry asks for TLS)
         */
        public Builder reportTo(String restUrl, String grpcTarget, boolean plaintext, String apiKey) {
            return reportTo(restUrl, grpcTarget, plaintext, apiKey, Tls.DEFAULT);
        }

        /** The same, trusting the CA(s) of the PEM bundle {@code caFile} (a private CA) for https and gRPC TLS. */
        public Builder reportTo(String restUrl, String grpcTarget, boolean plaintext, String apiKey, Path caFile) {
            return reportTo(restUrl, grpcTarget, plaintext, apiKey, Tls.trusting(caFile));
        }

        /**
         * The same with {@code tls}: its CA trusted for https and gRPC TLS, and its client certificate
         * (if any) presented on gRPC, for a control plane that requires mutual TLS.
         */
        public Builder reportTo(String restUrl, String grpcTarget, boolean plaintext, String apiKey, Tls tls) {
            Objects.requireNonNull(tls, "tls");
            Endpoints grpc = Endpoints.parse(grpcTarget, "grpcTarget", !plaintext, 9090);
            FlowplaneClient rest = new FlowplaneClient(restUrl, "restUrl", apiKey, tls.caFile());
            this.reporting = new GrpcReporting(grpc.grpcTarget(), !grpc.tls(), tls, apiKey,
                    new DirectRuns(rest, reporterName()), Duration.ofSeconds(10), clock);
            return this;
        }

        /** Any reporting (tests). */
        public Builder reporting(Reporting reporting) {
            this.reporting = Objects.requireNonNull(reporting);
            return this;
        }

        public FlowRunner build() {
            ResultStore store = resultStore != null ? resultStore : LocalResultStore.fromEnvironment();
            return new FlowRunner(new Engine(new EngineConfig(clock, sleeper, threads, store, reporting,
                    Map.copyOf(tagLimits), captureLogs)), flushTimeout);
        }

        private static String reporterName() {
            try {
                String name = "sdk@" + java.net.InetAddress.getLocalHost().getHostName();
                return name.length() <= 100 ? name : name.substring(0, 100);
            } catch (java.net.UnknownHostException e) {
                return "sdk";
            }
        }
    }
}
