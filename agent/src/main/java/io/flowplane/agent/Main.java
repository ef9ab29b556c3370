package io.flowplane.agent;

import io.flowplane.agent.config.AgentConfig;
import io.flowplane.proto.logging.LogLevels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flowplane agent}: flags win over environment variables, which win over the YAML file. */
@Command(name = "agent", mixinStandardHelpOptions = true, version = "flowplane agent " + Agent.VERSION,
        description = "Run a Flowplane agent: long-poll a work pool over gRPC and run its flows as local processes.")
public final class Main implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "agent YAML file (see deploy/agent.yml)")
    File config;
    @Option(names = "--pool", description = "work pool to serve (FLOWPLANE_POOL)")
    String pool;
    @Option(names = "--queue", description = "work queue to take runs from; repeatable (default: all, by priority)")
    List<String> queues;
    @Option(names = "--slots", description = "runs executed at once (default 4)")
    Integer slots;
    @Option(names = "--url", description = "control plane gRPC address: host:port, grpc://… or grpcs://… (FLOWPLANE_GRPC_URL)")
    String url;
    @Option(names = "--api-key", description = "API key with the agent role (FLOWPLANE_API_KEY); none where the control plane accepts the client certificate alone")
    String apiKey;
    @Option(names = "--name", description = "display name (default: hostname and id)")
    String name;
    @Option(names = "--state-dir", description = "spool and run directories (default ./flowplane-agent)")
    String stateDir;
    @Option(names = "--secrets-dir", description = "directory of secret files for $${secret:NAME} (FLOWPLANE_SECRETS_DIR)")
    String secretsDir;
    @Option(names = "--tls", description = "use TLS (also implied by grpcs://)")
    Boolean tls;
    @Option(names = "--ca-file", description = "PEM CA bundle to trust for TLS")
    String caFile;
    @Option(names = "--client-cert", description = "mutual TLS: the agent's certificate (PEM)")
    String clientCertFile;
    @Option(names = "--client-key", description = "mutual TLS: the certificate's private key (PKCS#8 PEM)")
    String clientKeyFile;
    @Option(names = "--egress-audit", description = "record every message sent to the control plane in "
            + "STATE_DIR/egress-audit.jsonl (FLOWPLANE_EGRESS_AUDIT=true); `flowplane agent audit` summarises it")
    Boolean egressAudit;
    @Option(names = "--log-format", description = "text (default) or json: one JSON object per line, with the agent "
            + "and run ids (FLOWPLANE_LOG_FORMAT)")
    String logFormat;
    @Option(names = "--status-port", description = "serve /healthcheck and Prometheus /metrics on this local port "
            + "(FLOWPLANE_AGENT_STATUS_PORT; default: off)")
    Integer statusPort;
    @Option(names = "--log-level", description = "trace, debug, info (default), warn or error (FLOWPLANE_LOG_LEVEL); "
            + "-Dlogback.configurationFile=FILE replaces the logging configuration")
    String logLevel;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig c;
        try {
            c = resolve();
            c.validate();
            if (c.logLevel != null) {
                LogLevels.set(c.logLevel);
            }
            if (logFormat != null) {
                io.flowplane.proto.logging.LogFormat.set(logFormat);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("flowplane agent: " + e.getMessage());
            return 2;
        }
        Agent agent = Agent.start(c, Agent.Options.defaults());
        // SIGTERM / Ctrl-C: stop polling, let runs finish within the grace period, flush the spool.
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "flowplane-agent-shutdown"));
        agent.awaitTermination();
        return 0;
    }

    AgentConfig resolve() throws java.io.IOException {
        AgentConfig c = config == null ? new AgentConfig() : AgentConfig.load(config.toPath());
        c.withEnvironment(System.getenv());
        c.pool = pool != null ? pool : c.pool;
        c.queues = queues != null ? queues : c.queues;
        c.slots = slots != null ? slots : c.slots;
        c.url = url != null ? url : c.url;
        c.apiKey = apiKey != null ? apiKey : c.apiKey;
        c.name = name != null ? name : c.name;
        c.stateDir = stateDir != null ? stateDir : c.stateDir;
        c.secretsDir = secretsDir != null ? secretsDir : c.secretsDir;
        c.tls = tls != null ? tls : c.tls;
        c.caFile = caFile != null ? caFile : c.caFile;
        c.clientCertFile = clientCertFile != null ? clientCertFile : c.clientCertFile;
        c.clientKeyFile = clientKeyFile != null ? clientKeyFile : c.clientKeyFile;
        c.egressAudit = egressAudit != null ? egressAudit : c.egressAudit;
        c.logLevel = logLevel != null ? logLevel : c.logLevel;
        c.statusPort = statusPort != null ? statusPort : c.statusPort;
        return c;
    }
}
