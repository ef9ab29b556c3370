package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A markdown, table or link published by a flow or task. */
public record Artifact(UUID id, UUID runId, UUID taskRunId, String artifactKey, String type,
                       String description, String data, Instant createdAt) {
}
