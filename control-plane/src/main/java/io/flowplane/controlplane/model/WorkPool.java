package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A named place where runs wait for agents. A null concurrency limit means unlimited. */
public record WorkPool(UUID id, String name, String type, String description, Integer concurrencyLimit,
                       boolean paused, Instant createdAt, Instant updatedAt) {
}
