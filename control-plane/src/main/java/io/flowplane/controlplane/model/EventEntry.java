package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the event log: what happened ({@code type}), to which resource, with the related
 * resources a filter or trigger asks about (run, deployment, flow, pool, tags as a JSON array) and
 * a small JSON payload. {@code id} is the log's sequence (0 before it is stored).
 */
public record EventEntry(long id, Instant occurredAt, String type, String resourceKind, String resourceId,
                         String resourceName, UUID runId, UUID deploymentId, String deploymentName, String flowName,
                         UUID poolId, String tags, String payload) {
}
