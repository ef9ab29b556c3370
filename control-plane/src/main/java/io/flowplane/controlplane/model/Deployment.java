package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A stored deployment: the filterable columns plus the full definition as JSON ({@code spec}). */
public record Deployment(UUID id, String name, String flowName, UUID poolId, UUID queueId, String spec,
                         String specHash, Integer concurrencyLimit, boolean paused, Instant createdAt,
                         Instant updatedAt) {
}
