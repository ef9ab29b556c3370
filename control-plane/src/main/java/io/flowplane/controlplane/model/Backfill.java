package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A backfill: one run per schedule instant in [rangeFrom, rangeTo), at most maxActive at a time. */
public record Backfill(UUID id, UUID deploymentId, String requestHash, Instant rangeFrom, Instant rangeTo,
                       String scheduleName, String parameters, int maxActive, int total, String state,
                       Instant createdAt, Instant endedAt) {
    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String CANCELLED = "CANCELLED";
}
