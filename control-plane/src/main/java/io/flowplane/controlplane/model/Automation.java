package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A stored automation: its definition as JSON ({@code spec}) and whether it is enabled (since {@code enabledAt}). */
public record Automation(UUID id, String name, boolean enabled, String spec, Instant createdAt, Instant updatedAt,
                         Instant enabledAt) {
}
