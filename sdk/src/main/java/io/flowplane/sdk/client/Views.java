package io.flowplane.sdk.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the control plane's REST API returns, as the SDK and CLI read it. Unknown fields are ignored. */
public final class Views {
    private Views() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StateView(String type, String name, String message, Instant at) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FlowRunView(UUID id, String name, UUID deploymentId, String deploymentName, String flowName,
                              JsonNode parameters, List<String> tags, StateView state, Instant scheduledAt,
                              int attempt, String agentId, long leaseEpoch, Instant startedAt, Instant endedAt,
                              Instant createdAt) {
        public boolean isTerminal() {
            return List.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED").contains(state.type());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunPage(List<FlowRunView> items, String nextCursor) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryView(long id, String type, String name, String message, String actor, int attempt,
                              Instant at) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TaskRunView(UUID id, String taskKey, String name, StateView state, String cacheKey, String resultUri,
                              String resultHash, int attempt, List<String> tags, Instant startedAt, Instant endedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LogView(long seq, UUID taskRunId, Instant at, String stream, String level, String message) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LogPage(List<LogView> lines, long next, boolean runFinished) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ArtifactView(UUID id, UUID taskRunId, String key, String type, String description, String data,
                               Instant createdAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeploymentView(UUID id, String name, boolean paused, DeploymentSpec spec, String change) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WorkPoolView(UUID id, String name, String type, String description, Integer concurrencyLimit,
                               boolean paused) {
    }
}
