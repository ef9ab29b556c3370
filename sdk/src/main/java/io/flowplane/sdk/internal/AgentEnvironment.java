package io.flowplane.sdk.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the agent tells a flow process through its environment (docs/run-environment.md). Present
 * only when the process runs under an agent.
 */
public record AgentEnvironment(UUID runId, long leaseEpoch, int attempt, String flowName, Path parametersFile,
                               String eventsEndpoint, String eventsToken) {

    public static Optional<AgentEnvironment> from(Map<String, String> env) {
        String runId = env.get("FLOWPLANE_RUN_ID");
        String endpoint = env.get("FLOWPLANE_EVENTS_ENDPOINT");
        if (runId == null || endpoint == null) {
            return Optional.empty();
        }
        String epoch = env.getOrDefault("FLOWPLANE_LEASE_EPOCH", "0");
        String attempt = env.getOrDefault("FLOWPLANE_ATTEMPT", "1");
        String params = env.get("FLOWPLANE_PARAMETERS_FILE");
        return Optional.of(new AgentEnvironment(UUID.fromString(runId), Long.parseLong(epoch), Integer.parseInt(attempt),
                env.get("FLOWPLANE_FLOW_NAME"), params == null ? null : Path.of(params), endpoint,
                env.getOrDefault("FLOWPLANE_EVENTS_TOKEN", "")));
    }

    /** The relay's runs: the one run the agent started this process for; subflows report inside it. */
    public GrpcReporting.RunSource runSource() {
        return new GrpcReporting.RunSource() {
            @Override
            public RemoteRun openRoot(String flowName, com.fasterxml.jackson.databind.JsonNode parameters) {
                return RemoteRun.of(runId, leaseEpoch);
            }

            @Override
            public RemoteRun openChild(RemoteRun parent, String flowName,
                                       com.fasterxml.jackson.databind.JsonNode parameters) {
                return parent.sharedChild();
            }
        };
    }
}
