package io.flowplane.agent;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.agent.audit.EgressAudit;
import io.flowplane.agent.ops.StatusServer;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.connection.Backoff;
import io.flowplane.agent.connection.ControlPlaneConnection;
import io.flowplane.agent.dispatch.CommandStream;
import io.flowplane.agent.dispatch.Heartbeats;
import io.flowplane.agent.dispatch.Poller;
import io.flowplane.agent.dispatch.Slots;
import io.flowplane.agent.exec.RelayIntake;
import io.flowplane.agent.exec.Reporter;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.locallogs.LocalLogs;
import io.flowplane.agent.relay.LocalRelay;
import io.flowplane.agent.spool.Shipper;
import io.flowplane.agent.spool.Spool;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.RegisterResponse;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running agent: registers, keeps heartbeats and a command stream going, long-polls its pool,
 * runs what it claims and ships everything through its spool. {@link #shutdown()} is the graceful
 * stop SIGTERM triggers.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    public static final String VERSION = "0.1.0";

    /** What the embedding code (main, tests) provides besides the configuration. */
    public record Options(Clock clock, Map<String, String> env, RunSupervisor.Listener listener,
                          MetricRegistry metrics) {
        public static Options defaults() {
            return new Options(Clock.systemUTC(), System.getenv(), new RunSupervisor.Listener() { }, new MetricRegistry());
        }

        public Options withListener(RunSupervisor.Listener l) {
            return new Options(clock, env, l, metrics);
        }

        public Options withEnv(Map<String, String> e) {
            return new Options(clock, e, listener, metrics);
        }
    }

    private final AgentConfig config;
    private final Parts parts;
    private final String agentId;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("flowplane-agent-timer"));
    private volatile boolean stopping;
    private Poller poller;
    private CommandStream commands;
    private volatile Heartbeats heartbeats;
    private StatusServer status;

    /** The pieces the agent is made of, built before it registers. */
    private record Parts(Spool spool, ControlPlaneConnection connection, Slots slots, RunSupervisor runs,
                         LocalRelay relay, Shipper shipper, MetricRegistry metrics) {
    }

    private Agent(AgentConfig config, Parts parts, String agentId) {
        this.config = config;
        this.parts = parts;
        this.agentId = agentId;
    }

    /** Starts an agent and returns once it is registered and polling. */
    public static Agent start(AgentConfig config, Options options) throws IOException {
        return start(config, options, RunSupervisor.Executor.PROCESS);
    }

    /** The same with another executor for claimed runs (the benchmark harness's no-op executor). */
    public static Agent start(AgentConfig config, Options options, RunSupervisor.Executor executor) throws IOException {
        config.validate();
        Path stateDir = Path.of(config.stateDir).toAbsolutePath();
        Files.createDirectories(stateDir);
        String agentId = agentId(config, stateDir);
        io.flowplane.proto.logging.LogFormat.property("agentId", agentId);
        String name = config.name == null || config.name.isBlank()
                ? hostname() + "-" + agentId.substring(0, Math.min(8, agentId.length())) : config.name;
        Spool spool = Spool.open(stateDir.resolve("spool"),
                new Spool.Settings(config.spoolMaxBytes, config.spoolSegmentBytes, config.spoolFsync), options.metrics());
        var settings = new ControlPlaneConnection.Settings(config.url, config.apiKey, config.tls, config.caFile,
                config.clientCertFile, config.clientKeyFile, config.keepAliveTime, config.keepAliveTimeout);
        LOG.debug("connecting with {}", settings); // its toString masks the key
        ControlPlaneConnection connection = ControlPlaneConnection.open(settings, config.egressAudit
                ? new EgressAudit(stateDir.resolve(EgressAudit.FILE_NAME), options.clock()) : null);
        Reporter reporter = new Reporter(spool, options.clock(), config.logsStayLocal || !config.logsStayLocalFor.isEmpty()
                ? new LocalLogs(stateDir, config.logsStayLocal, Set.copyOf(config.logsStayLocalFor),
                        config.localLogSegmentBytes, config.localLogMaxBytes) : null, name);
        Slots slots = new Slots(config.slots);
        LocalRelay[] relay = new LocalRelay[1];
        RunSupervisor runs = new RunSupervisor(new RunSupervisor.Context(
                new RunSupervisor.Settings(stateDir.resolve("runs"), config.killGrace, config.drainTimeout, config.maxLineBytes,
                        config.leaseMargin, config.fenceGrace),
                reporter, new Environment(config, options.env()), () -> relay[0].endpoint(), slots::release,
                options.listener(), options.clock(), name));
        runs.executor(executor == RunSupervisor.Executor.PROCESS && config.kubernetes != null
                ? kubernetesExecutor(config) : executor);
        relay[0] = LocalRelay.start(runs::byToken, new RelayIntake(reporter), relayPort(stateDir));
        Files.writeString(stateDir.resolve("relay-port"), Integer.toString(relay[0].port()));
        MetricRegistry metrics = options.metrics();
        Shipper shipper = new Shipper(spool, new EventSender(connection),
                new ShipperListener(runs, metrics.counter("flowplane.agent.reports.refused")),
                new Shipper.Settings(config.batchMaxEvents, config.batchMaxBytes, config.batchLinger),
                new Backoff(config.reconnectMin, config.reconnectMax));
        Agent agent = new Agent(config, new Parts(spool, connection, slots, runs, relay[0], shipper, metrics), agentId);
        agent.registerGauges();
        if (config.statusPort != null) {
            agent.status = StatusServer.start(config.statusBindHost, config.statusPort, metrics, agent::health);
            LOG.info("agent status on http://{}:{}/healthcheck and /metrics", config.statusBindHost, agent.status.port());
        }
        agent.run(name);
        return agent;
    }

    private void registerGauges() {
        MetricRegistry m = parts.metrics();
        m.register("flowplane.agent.runs.held", (Gauge<Integer>) parts.runs()::running);
        m.register("flowplane.agent.reconnects", (Gauge<Long>) parts.connection()::reconnects);
        m.register("flowplane.agent.spool.oldest-unacked-age-seconds", (Gauge<Double>) () -> {
            java.time.Instant oldest = parts.shipper().oldestUnacknowledged();
            return oldest == null ? 0.0 : Math.max(0, Duration.between(oldest, java.time.Instant.now()).toMillis() / 1000.0);
        });
    }

    /** What {@code /healthcheck} reports: connected, the spool below its bound, leases being renewed. */
    public StatusServer.Health health() {
        Heartbeats beats = heartbeats;
        return new StatusServer.Health(parts.connection().connected(), parts.spool().bytes() < config.spoolMaxBytes,
                beats != null && beats.renewing());
    }

    /** The local status port, or -1 when it is off. */
    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    /** The pool's runs as Kubernetes Jobs (config.kubernetes set). */
    private static RunSupervisor.Executor kubernetesExecutor(AgentConfig config) throws IOException {
        AgentConfig.Kubernetes k = config.kubernetes;
        return new io.flowplane.agent.kubernetes.KubernetesExecutor(
                io.flowplane.agent.kubernetes.KubernetesExecutor.client(k.kubeconfig),
                new io.flowplane.agent.kubernetes.KubernetesExecutor.Settings(k.namespace, k.pendingLimit, k.pollInterval,
                        k.stopTimeout, config.maxLineBytes));
    }

    private void run(String name) {
        Thread shipping = new Thread(parts.shipper(), "flowplane-shipper");
        shipping.setDaemon(true);
        shipping.start();
        // Before anything is claimed: what the previous incarnation on this state directory left
        // is adopted (or stopped) and holds its slots; leases are watched from now on.
        int adopted = parts.runs().recover();
        parts.slots().take(adopted);
        if (adopted > 0) {
            LOG.info("{} runs taken over from the previous agent on {}", adopted, config.stateDir);
        }
        timer.scheduleWithFixedDelay(parts.runs()::checkLeases, 100, 100, TimeUnit.MILLISECONDS);
        RegisterResponse registered = register(name);
        if (registered == null) {
            return;
        }
        Duration interval = heartbeatInterval(registered);
        heartbeats = new Heartbeats(parts.connection(), agentId, parts.slots(), parts.runs(), () -> register(name), interval);
        parts.runs().renewals(heartbeats::soon);
        Thread beating = new Thread(heartbeats, "flowplane-heartbeats");
        beating.setDaemon(true);
        beating.start();
        commands = new CommandStream(parts.connection(), agentId, parts.runs(), timer,
                new Backoff(config.reconnectMin, config.reconnectMax));
        commands.start();
        Duration maxWait = Duration.ofSeconds(registered.getMaxPollWait().getSeconds());
        Duration wait = maxWait.isZero() || config.pollWait.compareTo(maxWait) < 0 ? config.pollWait : maxWait;
        poller = new Poller(parts.connection(), parts.slots(), parts.runs(),
                new Poller.Target(agentId, config.pool, config.queues, wait), new Backoff(config.reconnectMin, config.reconnectMax));
        Thread polling = new Thread(poller, "flowplane-poller");
        polling.setDaemon(true);
        polling.start();
        LOG.info("agent {} ({}) serving pool {} with {} slots; relay on {}", name, agentId, config.pool, config.slots,
                parts.relay().endpoint());
    }

    /**
     * The control plane's interval, but at least six beats per lease: a lease then survives a
     * control plane that is away for half of it (a restart) with room for the agent to reconnect
     * before its own fencing would stop the run. An interval set in the configuration is kept.
     */
    private Duration heartbeatInterval(RegisterResponse registered) {
        Duration lease = Duration.ofSeconds(registered.getLeaseDuration().getSeconds(), registered.getLeaseDuration().getNanos());
        if (config.heartbeatInterval != null) {
            if (!lease.isZero() && config.heartbeatInterval.compareTo(lease.dividedBy(2)) > 0) {
                LOG.warn("heartbeatInterval {} is more than half the lease ({}): a run whose renewal is late is "
                        + "stopped by the agent's own fencing", config.heartbeatInterval, lease);
            }
            return config.heartbeatInterval;
        }
        Duration suggested = Duration.ofSeconds(registered.getHeartbeatInterval().getSeconds(),
                registered.getHeartbeatInterval().getNanos());
        Duration sixth = lease.dividedBy(6);
        return lease.isZero() || suggested.compareTo(sixth) <= 0 ? suggested : sixth;
    }

    /** Registers, retrying with backoff until it works or the agent stops; null if it stopped. */
    private RegisterResponse register(String name) {
        Backoff backoff = new Backoff(config.reconnectMin, config.reconnectMax);
        while (!stopping) {
            try {
                RegisterResponse r = parts.connection().agent(Duration.ofSeconds(10)).register(RegisterRequest.newBuilder()
                        .setAgentId(agentId).setName(name).addPools(config.pool).setSlots(config.slots)
                        .setVersion(VERSION).setHostname(hostname()).build());
                if (r.hasLeaseDuration()) {
                    parts.runs().leaseDuration(Duration.ofSeconds(r.getLeaseDuration().getSeconds(),
                            r.getLeaseDuration().getNanos()));
                }
                return r;
            } catch (StatusRuntimeException e) {
                Duration pause = backoff.next();
                if (backoff.failures() == 1 || backoff.failures() % 20 == 0) {
                    LOG.warn("could not register with the control plane at {}: {}; retrying in {} ms", config.url,
                            e.getStatus(), pause.toMillis());
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                parts.connection().reconnectNow();
            }
        }
        return null;
    }

    /**
     * The graceful stop: no more polling; running flows get {@code shutdownGrace} to finish, then
     * their process trees are stopped and the runs handed back (CRASHED, so retries apply); the
     * spool is shipped for up to {@code flushTimeout}.
     */
    public void shutdown() {
        if (stopping) {
            awaitTermination();
            return;
        }
        stopping = true;
        try {
            LOG.info("agent stopping: no more polling; {} runs may finish within {}", parts.runs().running(),
                    config.shutdownGrace);
            if (poller != null) {
                poller.stop();
            }
            if (!parts.runs().awaitIdle(config.shutdownGrace)) {
                LOG.warn("{} runs still running after {}: stopping them and handing them back", parts.runs().running(),
                        config.shutdownGrace);
                parts.runs().stopAll();
                parts.runs().awaitIdle(config.killGrace.plusSeconds(5));
            }
            if (!parts.shipper().flush(config.flushTimeout)) {
                LOG.warn("{} events not yet acknowledged after {}; they stay in the spool and are sent on the next start",
                        parts.spool().lastSeq() - parts.spool().ackedSeq(), config.flushTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopNow();
        }
    }

    /** Stops everything at once (runs keep their processes; used after shutdown and by tests). */
    private void stopNow() {
        if (commands != null) {
            commands.stop();
        }
        if (heartbeats != null) {
            heartbeats.stop();
        }
        if (poller != null) {
            poller.stop();
        }
        timer.shutdownNow();
        if (status != null) {
            status.close();
        }
        parts.shipper().stop();
        try {
            parts.relay().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        parts.connection().close();
        parts.runs().close();
        try {
            parts.spool().close();
        } catch (IOException e) {
            LOG.warn("closing the spool failed", e);
        }
        terminated.countDown();
    }

    public void awaitTermination() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown();
    }

    public String agentId() {
        return agentId;
    }

    public String relayEndpoint() {
        return parts.relay().endpoint();
    }

    public Spool spool() {
        return parts.spool();
    }

    public MetricRegistry metrics() {
        return parts.metrics();
    }

    public int running() {
        return parts.runs().running();
    }

    private static String agentId(AgentConfig config, Path stateDir) throws IOException {
        if (config.agentId != null && !config.agentId.isBlank()) {
            return config.agentId;
        }
        Path file = stateDir.resolve("agent-id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = UUID.randomUUID().toString();
        Files.writeString(file, id);
        return id;
    }

    /** The port the previous incarnation's relay used (its adopted flows know it), or 0. */
    private static int relayPort(Path stateDir) {
        try {
            return Integer.parseInt(Files.readString(stateDir.resolve("relay-port")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
