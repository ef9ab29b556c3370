package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/**
 * A named place where runs wait for agents. A null concurrency limit means unlimited.
 * {@code baseJobTemplate}: a {@code kubernetes} pool's Job template (JSON, see
 * {@code pools.kubernetes.JobTemplate}); null for other types.
 */
public record WorkPool(UUID id, String name, String type, String description, Integer concurrencyLimit,
                       boolean paused, Instant createdAt, Instant updatedAt, String baseJobTemplate) {
    public static final String KUBERNETES = "kubernetes";
}
