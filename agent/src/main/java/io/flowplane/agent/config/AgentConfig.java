package io.flowplane.agent.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the agent can be told, with defaults. Sources, weakest first: these defaults, a
 * YAML file ({@code --config}, see deploy/agent.yml), environment variables, command-line flags.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class AgentConfig {
    /** The control plane's gRPC address: host:port, grpc://host:port or grpcs://host:port (TLS). */
    @JsonProperty public String url = "localhost:9090";
    /** An API key with the agent role (or developer/admin) for the pool. */
    @JsonProperty public String apiKey;
    @JsonProperty public String pool;
    /** Queues of the pool to take work from; empty: all, by priority. */
    @JsonProperty public List<String> queues = new ArrayList<>();
    @JsonProperty public int slots = 4;
    @JsonProperty public String name;
    /** Stable id; empty: generated once and kept in the state directory. */
    @JsonProperty public String agentId;
    /** Spool, agent id and per-run directories live here. */
    @JsonProperty public String stateDir = "flowplane-agent";
    @JsonProperty public boolean tls;
    /** PEM CA bundle to trust for TLS (default: the JVM's). */
    @JsonProperty public String caFile;
    /** Mutual TLS: the agent's client certificate (PEM) and its PKCS#8 PEM key, issued by the CA the control plane trusts. */
    @JsonProperty public String clientCertFile;
    @JsonProperty public String clientKeyFile;
    /** Level of the agent's own lines: trace, debug, info (default), warn, error (FLOWPLANE_LOG_LEVEL, --log-level). */
    @JsonProperty public String logLevel;

    /**
     * Append a record of every message sent to the control plane (type, run, size, SHA-256) to
     * egress-audit.jsonl in the state directory; {@code flowplane agent audit} summarises it.
     */
    @JsonProperty public boolean egressAudit;

    /**
     * Logs stay local: the runs' log lines are kept in STATE_DIR/logs (read them with
     * {@code flowplane agent logs RUN_ID}); the control plane gets a count and where they are instead.
     * {@code logsStayLocal}: every run of this agent (the pool it serves); {@code logsStayLocalFor}: those deployments.
     */
    @JsonProperty public boolean logsStayLocal;
    @JsonProperty public List<String> logsStayLocalFor = new ArrayList<>();
    /** A run's local log file is rotated at this size (one older generation kept). */
    @JsonProperty public long localLogSegmentBytes = 8L * 1024 * 1024;
    /** All local log files together; the oldest are deleted beyond it. */
    @JsonProperty public long localLogMaxBytes = 1024L * 1024 * 1024;

    /**
     * A local HTTP port for {@code /healthcheck} and Prometheus {@code /metrics} (0: any free port).
     * Empty (the default): no port is opened (FLOWPLANE_AGENT_STATUS_PORT, --status-port).
     */
    @JsonProperty public Integer statusPort;
    /** Where the status port listens; loopback unless a scraper elsewhere must reach it. */
    @JsonProperty public String statusBindHost = "127.0.0.1";

    /** A directory of secret files; {@code ${secret:NAME}} reads the file NAME. */
    @JsonProperty public String secretsDir;
    /** {@code ${secret:NAME}} also reads the environment variable PREFIX+NAME. */
    @JsonProperty public String secretEnvPrefix = "FLOWPLANE_SECRET_";
    /** A resolved secret shorter than this fails its run: it could not be masked without hiding ordinary text. */
    @JsonProperty public int secretMinLength = io.flowplane.agent.secrets.SecretResolver.DEFAULT_MIN_LENGTH;

    /** How long a PollWork call may be held (the server caps it). */
    @JsonProperty public Duration pollWait = Duration.ofSeconds(20);
    /** Override of the heartbeat interval the control plane suggests. */
    @JsonProperty public Duration heartbeatInterval;
    @JsonProperty public Duration keepAliveTime = Duration.ofSeconds(30);
    @JsonProperty public Duration keepAliveTimeout = Duration.ofSeconds(10);
    @JsonProperty public Duration reconnectMin = Duration.ofMillis(100);
    @JsonProperty public Duration reconnectMax = Duration.ofSeconds(5);

    /** SIGTERM to SIGKILL for a run's process tree (cancel, timeout, shutdown). */
    @JsonProperty public Duration killGrace = Duration.ofSeconds(10);
    /** On SIGTERM: how long running flows may finish before they are stopped and handed back. */
    @JsonProperty public Duration shutdownGrace = Duration.ofSeconds(30);
    /** On SIGTERM: how long to keep shipping the spool before exiting. */
    @JsonProperty public Duration flushTimeout = Duration.ofSeconds(10);
    /** How long to wait for a process's output after it exited (a background child may hold the pipe). */
    @JsonProperty public Duration drainTimeout = Duration.ofSeconds(2);
    @JsonProperty public int maxLineBytes = 64 * 1024;
    /**
     * How long before a lease the agent could not renew would expire on the control plane the
     * run's process tree must be gone (clock-rate drift, a stepped server clock, a claim's latency).
     * Empty: 1 s, at most a tenth of the lease.
     */
    @JsonProperty public Duration leaseMargin;
    /** SIGTERM to SIGKILL when a lease runs out. Empty: 2 s, at most a fifth of the lease and at most killGrace. */
    @JsonProperty public Duration fenceGrace;

    @JsonProperty public long spoolMaxBytes = 256L * 1024 * 1024;
    @JsonProperty public long spoolSegmentBytes = 8L * 1024 * 1024;
    /** fsync every spooled event (survives power loss, not only an agent crash); slower. */
    @JsonProperty public boolean spoolFsync;
    @JsonProperty public int batchMaxEvents = 2000;
    @JsonProperty public long batchMaxBytes = 4L * 1024 * 1024;
    /** A pause before sending a small batch, so a burst of lines travels as one batch. */
    @JsonProperty public Duration batchLinger = Duration.ofMillis(5);
    /** Set: run the pool's flows as Kubernetes Jobs (a {@code kubernetes} pool) instead of local processes. */
    @JsonProperty public Kubernetes kubernetes;

    /** The Kubernetes executor's settings (agent/README.md, deploy/README.md). */
    public static final class Kubernetes {
        /** A kubeconfig file; absent: the pod's service account (in-cluster), $KUBECONFIG or ~/.kube/config. */
        @JsonProperty public String kubeconfig;
        /** Where Jobs go unless the template names a namespace, and where a restarted agent finds its Jobs; absent: the client's. */
        @JsonProperty public String namespace;
        /** How long a pod may stay stuck (image not pullable, unschedulable) before the run fails. */
        @JsonProperty public Duration pendingLimit = Duration.ofMinutes(5);
        /** How often Job, pod and log are read. */
        @JsonProperty public Duration pollInterval = Duration.ofSeconds(1);
        /** How long, after the kill grace, a deleted Job's pods are awaited before the run is reported anyway. */
        @JsonProperty public Duration stopTimeout = Duration.ofSeconds(60);
    }

    /**
     * Built on first use: an agent started without a file never loads Jackson databind (about 400
     * classes, and the JDK's CLDR locale tables its date format pulls in: 2-3 MiB of an idle agent).
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
                .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()));
    }

    public static AgentConfig load(Path file) throws IOException {
        AgentConfig config = Yaml.MAPPER.readValue(file.toFile(), AgentConfig.class);
        return config == null ? new AgentConfig() : config;
    }

    /**
     * Applies FLOWPLANE_GRPC_URL, FLOWPLANE_API_KEY, FLOWPLANE_POOL, FLOWPLANE_LOG_LEVEL, FLOWPLANE_AGENT_* variables
     * ({@code FLOWPLANE_AGENT_EXECUTOR=kubernetes}, with FLOWPLANE_KUBERNETES_NAMESPACE and FLOWPLANE_KUBECONFIG).
     */
    public AgentConfig withEnvironment(Map<String, String> env) {
        url = env.getOrDefault("FLOWPLANE_GRPC_URL", url);
        apiKey = env.getOrDefault("FLOWPLANE_API_KEY", apiKey);
        pool = env.getOrDefault("FLOWPLANE_POOL", pool);
        if (env.containsKey("FLOWPLANE_QUEUES")) {
            queues = List.of(env.get("FLOWPLANE_QUEUES").split(","));
        }
        if (env.containsKey("FLOWPLANE_AGENT_SLOTS")) {
            slots = Integer.parseInt(env.get("FLOWPLANE_AGENT_SLOTS").trim());
        }
        name = env.getOrDefault("FLOWPLANE_AGENT_NAME", name);
        stateDir = env.getOrDefault("FLOWPLANE_AGENT_STATE_DIR", stateDir);
        secretsDir = env.getOrDefault("FLOWPLANE_SECRETS_DIR", secretsDir);
        logLevel = env.getOrDefault("FLOWPLANE_LOG_LEVEL", logLevel);
        if (env.containsKey("FLOWPLANE_EGRESS_AUDIT")) {
            egressAudit = Boolean.parseBoolean(env.get("FLOWPLANE_EGRESS_AUDIT").trim());
        }
        if (env.containsKey("FLOWPLANE_AGENT_STATUS_PORT")) {
            statusPort = Integer.parseInt(env.get("FLOWPLANE_AGENT_STATUS_PORT").trim());
        }
        if ("kubernetes".equals(env.get("FLOWPLANE_AGENT_EXECUTOR")) && kubernetes == null) {
            kubernetes = new Kubernetes();
        }
        if (kubernetes != null) {
            kubernetes.namespace = env.getOrDefault("FLOWPLANE_KUBERNETES_NAMESPACE", kubernetes.namespace);
            kubernetes.kubeconfig = env.getOrDefault("FLOWPLANE_KUBECONFIG", kubernetes.kubeconfig);
        }
        return this;
    }

    /** Fails with a one-line reason for a setting the agent cannot run with. */
    public void validate() {
        List<String> problems = new ArrayList<>();
        if (pool == null || pool.isBlank()) {
            problems.add("a work pool is required (--pool or FLOWPLANE_POOL)");
        }
        // A client certificate may be the agent's only credential (control plane grpc.clientCertBinding: certificate).
        if ((apiKey == null || apiKey.isBlank()) && clientCertFile == null) {
            problems.add("an API key is required (--api-key or FLOWPLANE_API_KEY), or a client certificate "
                    + "where the control plane accepts one alone");
        }
        if (statusPort != null && (statusPort < 0 || statusPort > 65535)) {
            problems.add("statusPort must be between 0 and 65535");
        }
        if (slots < 1) {
            problems.add("slots must be at least 1");
        }
        if ((clientCertFile == null) != (clientKeyFile == null)) {
            problems.add("mutual TLS needs both clientCertFile and clientKeyFile");
        }
        if (secretMinLength < 4) {
            problems.add("secretMinLength must be at least 4");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** "30s", "500ms", "2m", "1h", a bare number of seconds, or ISO-8601 ("PT30S"). */
    static final class DurationDeserializer extends StdDeserializer<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return parse(p.getValueAsString());
        }

        static Duration parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(t);
            if (!m.matches()) {
                return Duration.parse(text.trim());
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }
}
