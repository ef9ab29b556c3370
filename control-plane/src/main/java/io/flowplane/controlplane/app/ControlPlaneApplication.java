package io.flowplane.controlplane.app;

import io.flowplane.controlplane.services.Services;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.api.RestApi;
import io.flowplane.controlplane.automations.Automations;
import io.flowplane.controlplane.auth.ApiKeys;
import io.flowplane.controlplane.model.Role;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.dispatch.Dispatcher;
import io.flowplane.controlplane.events.EventIngestor;
import io.flowplane.controlplane.events.LogLimits;
import io.flowplane.controlplane.grpc.GrpcServer;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.runs.LogRetention;
import io.flowplane.controlplane.runs.Reaper;
import io.flowplane.controlplane.runs.RunFactory;
import io.flowplane.controlplane.ledger.AppliedTransitions;
import io.flowplane.controlplane.ops.GrpcMetrics;
import io.flowplane.controlplane.ops.OpsMetrics;
import io.flowplane.controlplane.ops.PrometheusEndpoint;
import io.flowplane.controlplane.ops.RestMetrics;
import io.flowplane.controlplane.ops.RunGauges;
import io.flowplane.controlplane.ledger.RetryPolicies;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.SignalHooks;
import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.runs.RunWatchers;
import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.backfills.BackfillService;
import io.flowplane.controlplane.schedules.Materializer;
import io.flowplane.controlplane.schedules.ScheduleSync;
import io.flowplane.controlplane.schedules.Scheduler;
import io.flowplane.controlplane.schedules.SchedulerSettings;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The control plane: REST API, gRPC services for agents, dispatcher, reaper, on one store. */
public class ControlPlaneApplication extends Application<ControlPlaneConfiguration> {
    private final Clock clock;
    private volatile Services services;
    private volatile Cluster cluster;
    private volatile GrpcServer grpcServer;
    private volatile String bootstrapKey;

    public ControlPlaneApplication() {
        this(Clock.systemUTC());
    }

    /** Tests pass a clock they move. */
    public ControlPlaneApplication(Clock clock) {
        this.clock = clock;
    }

    public static void main(String[] args) throws Exception {
        new ControlPlaneApplication().run(args);
    }

    @Override
    public String getName() {
        return "flowplane-control-plane";
    }

    @Override
    protected void addDefaultCommands(Bootstrap<ControlPlaneConfiguration> bootstrap) {
        bootstrap.addCommand(new PlainConfigErrors(this));
        bootstrap.addCommand(new io.dropwizard.core.cli.CheckCommand<>(this));
    }

    @Override
    public void initialize(Bootstrap<ControlPlaneConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    }

    @Override
    public void run(ControlPlaneConfiguration config, Environment env) {
        HeaderLogGuard.install();
        ObjectMapper mapper = env.getObjectMapper()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                // {"name":"a","name":"b"} is refused (400), not read as its last value: a proxy or
                // client that reads the first one would disagree with what the control plane stored.
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .registerModule(new io.flowplane.controlplane.common.StrictUnwrapping());
        if (config.getServerFactory() instanceof AbstractServerFactory server) {
            // Our own mappers answer every error as problem+json.
            server.setRegisterDefaultExceptionMappers(false);
        }
        Store store = openStore(config, env);
        cluster = Cluster.of(store.dialect(), config.getDatabase(), env);
        // Held polls and due wake-ups leave many delayed one-shot tasks; on shutdown they are
        // dropped, not waited for (they made a stop wait out its whole 10 s grace period).
        var timers = new java.util.concurrent.ScheduledThreadPoolExecutor(2, Threads.named("flowplane-timer"));
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timers.setRemoveOnCancelPolicy(true);
        ExecutorService claimers = Executors.newFixedThreadPool(4, Threads.named("flowplane-claim"));
        var prometheus = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        OpsMetrics ops = OpsMetrics.in(prometheus);
        services = buildServices(config, env.metrics(), store, mapper, timers, claimers, cluster, ops);
        bootstrapAdminKey(config);
        env.lifecycle().manage(new BackgroundServices(services, config.getRuns().reaperInterval.toJavaDuration(),
                config.getScheduler().interval.toJavaDuration(), timers, claimers, cluster.leadership()));
        grpcServer = new GrpcServer(config.getGrpc(), services, config.getRuns().leaseDuration.toJavaDuration(),
                config.getRuns().heartbeatInterval.toJavaDuration(), new GrpcMetrics(ops));
        env.lifecycle().manage(grpcServer);
        installMetrics(config, env, prometheus, ops, store, mapper);
        installAudit(config, env, store, timers);
        if (config.getRetention().enabled()) {
            env.lifecycle().manage(new io.flowplane.controlplane.retention.RetentionTimer(
                    new io.flowplane.controlplane.retention.RunRetention(store, clock, config.getRetention(), env.metrics()),
                    timers, cluster.leadership()));
        }
        env.lifecycle().manage(services.background().automations());
        RestApi.register(env, services, config.getMaxRequestBytes());
        RestApi.jettyErrorsAsProblems(env);
        io.flowplane.controlplane.ui.WebUi.register(env);
        io.flowplane.controlplane.docs.ApiDocs.register(env);
    }

    /** Prometheus on the admin port: the labelled metrics, the store's gauges, Dropwizard's bridged in. */
    private void installMetrics(ControlPlaneConfiguration config, Environment env,
                                io.prometheus.metrics.model.registry.PrometheusRegistry prometheus, OpsMetrics ops,
                                Store store, ObjectMapper mapper) {
        env.lifecycle().manage(new io.dropwizard.lifecycle.Managed() {
            @Override
            public void start() {
                AppliedTransitions.listen(ops);
            }

            @Override
            public void stop() {
                AppliedTransitions.unlisten(ops);
            }
        });
        new RunGauges(store, clock, config.getRuns().agentOfflineAfter.toJavaDuration(),
                config.getPrometheus().gaugeCacheTtl.toJavaDuration(), mapper).register(prometheus);
        env.jersey().register(new RestMetrics(ops));
        env.servlets().addFilter("request-id", new io.flowplane.controlplane.ops.RequestIdFilter())
                .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/api/*");
        PrometheusEndpoint.register(env, prometheus, env.metrics());
    }

    /** Every REST write (and refused write) stored; admins read it; old events deleted hourly. */
    private void installAudit(ControlPlaneConfiguration config, Environment env, Store store,
                              ScheduledExecutorService timers) {
        var log = new io.flowplane.controlplane.audit.AuditLog(store);
        env.servlets().addFilter("audit", new io.flowplane.controlplane.audit.AuditFilter(log, clock))
                .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/api/*");
        env.jersey().register(new io.flowplane.controlplane.audit.AuditResource(log));
        env.lifecycle().manage(new io.flowplane.controlplane.audit.AuditRetention(log, clock,
                config.getAudit().retention.toJavaDuration(), timers));
    }

    private Store openStore(ControlPlaneConfiguration config, Environment env) {
        Dialect dialect = Dialect.fromUrl(config.getDatabase().getUrl());
        if (dialect == Dialect.H2) {
            config.getDatabase().setUrl(io.flowplane.controlplane.store.H2Settings.tuned(config.getDatabase().getUrl()));
        }
        ManagedDataSource dataSource = config.getDatabase().build(env.metrics(), "db");
        Jdbi jdbi = new JdbiFactory().build(env, config.getDatabase(), dataSource, "db");
        try {
            return Store.open(dataSource, jdbi, dialect);
        } catch (RuntimeException e) {
            if (dialect == Dialect.H2 && h2FileInUse(e)) {
                throw new IllegalStateException("the H2 database " + config.getDatabase().getUrl().split(";")[0]
                        + " is already open in another control plane: an H2 file serves one process only."
                        + " Stop the other one, or run several replicas on PostgreSQL (deploy/README.md, \"High availability\").", e);
            }
            throw e;
        }
    }

    /** H2's "database may be already in use" (error 90020), wherever Flyway or the pool wrapped it. */
    private static boolean h2FileInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
                return true;
            }
        }
        return false;
    }

    private Services buildServices(ControlPlaneConfiguration config, MetricRegistry metrics, Store store,
                                   ObjectMapper mapper, ScheduledExecutorService timers, ExecutorService claimers,
                                   Cluster cluster, OpsMetrics ops) {
        Signals signals = cluster.signals();
        Json json = new Json(mapper);
        SignalHooks hooks = new SignalHooks(signals);
        ControlPlaneConfiguration.Runs runs = config.getRuns();
        RunLedger ledger = new RunLedger(store, clock, hooks, new RetryPolicies(mapper), runs.leaseDuration.toJavaDuration());
        RunWatchers watchers = new RunWatchers(timers);
        ClaimService claims = new ClaimService(store, clock, ledger.claims(), metrics, ops);
        Dispatcher dispatcher = new Dispatcher(claims, clock, timers, claimers);
        ControlPlaneConfiguration.Logs logs = config.getLogs();
        EventIngestor events = new EventIngestor(store, clock, ledger,
                new LogLimits(logs.maxLineChars, logs.maxLinesPerRun), metrics, ops);
        signals.subscribe(dispatcher);
        signals.subscribe(watchers);
        RunFactory factory = new RunFactory(clock, json, ledger, metrics);
        SchedulerSettings scheduling = config.getScheduler().settings();
        Materializer materializer = new Materializer(json, factory, scheduling);
        FlowRunService flowRuns = new FlowRunService(store, ledger);
        BackfillService backfills = new BackfillService(store, clock, json, factory, flowRuns, ledger);
        WorkPoolService pools = new WorkPoolService(store, clock, hooks);
        DeploymentService deployments = new DeploymentService(store, clock, json, factory,
                new ScheduleSync(json, materializer, ledger));
        AgentRegistry agents = new AgentRegistry(store, clock, json, ledger.leases(), runs.agentOfflineAfter.toJavaDuration());
        Automations automations = new Automations(new Automations.Collaborators(store, clock, json, ledger, deployments,
                pools, flowRuns, agents, signals, cluster.leadership()), config.getAutomations());
        return new Services(new Services.Core(clock, store, json, signals, new ApiKeys(store, clock, mapper)),
                new Services.Resources(pools, deployments, flowRuns, backfills),
                new Services.Execution(ledger, watchers, claims, dispatcher, events, agents),
                new Services.Background(
                        new Reaper(ledger, clock, runs.cancellingTimeout.toJavaDuration(),
                                runs.leaseDuration.toJavaDuration(), metrics),
                        new LogRetention(store, clock, logs.retention.toJavaDuration()),
                        new Scheduler(new Scheduler.Collaborators(store, clock, json, materializer, ledger,
                                backfills), scheduling, metrics),
                        automations));
    }

    /** On first start with an empty key store: the configured key, or a new one handed over once (FirstAdminKey). */
    private void bootstrapAdminKey(ControlPlaneConfiguration config) {
        ApiKeys keys = services.core().apiKeys();
        if (!keys.isEmpty()) {
            return;
        }
        String configured = config.getAuth().bootstrapAdminKey;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("FLOWPLANE_BOOTSTRAP_ADMIN_KEY");
        }
        if (configured != null && !configured.isBlank()) {
            keys.register("bootstrap-admin", Role.ADMIN, configured.trim());
            bootstrapKey = configured.trim();
            return;
        }
        ApiKeys.Created created = keys.create("bootstrap-admin", Role.ADMIN, java.util.Set.of());
        bootstrapKey = created.secret();
        FirstAdminKey.handOver(created.secret(), System.console() != null,
                java.nio.file.Path.of(config.getAuth().bootstrapKeyFile), System.out);
    }

    /** The running services (after start), for tests and the dev-mode launcher. */
    public Services services() {
        return services;
    }

    /**
     * This replica's id among the control planes on one PostgreSQL (its leadership session's
     * application_name is "flowplane-" followed by it); "single" on H2.
     */
    public String replicaId() {
        return cluster.replicaId();
    }

    /** Agents' command streams open on this replica (for tests). */
    public int commandStreams() {
        return grpcServer.commandStreams();
    }

    /** The gRPC port actually bound (useful with port 0). */
    public int grpcPort() {
        return grpcServer.port();
    }

    /** The admin key created or registered at first start in this process, or null. */
    public String bootstrapKey() {
        return bootstrapKey;
    }
}
