package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A queue inside a pool. Priority 1 is served first; a null concurrency limit means unlimited. */
public record WorkQueue(UUID id, UUID poolId, String name, int priority, Integer concurrencyLimit,
                        boolean paused, Instant createdAt, Instant updatedAt) {
    public static final String DEFAULT = "default";
}
