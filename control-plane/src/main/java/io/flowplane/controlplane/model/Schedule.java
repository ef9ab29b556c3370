package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored schedule of a deployment. Instants up to {@code cursorAt} have been materialised or
 * passed over; {@code nextCheckAt} is when the scheduler next has work here (null: paused).
 */
public record Schedule(UUID id, UUID deploymentId, String name, String spec, String fingerprint, boolean active,
                       Instant cursorAt, Instant nextCheckAt, Instant createdAt, Instant updatedAt) {

    public Schedule withProgress(Instant cursor, Instant nextCheck, Instant now) {
        return new Schedule(id, deploymentId, name, spec, fingerprint, active, cursor, nextCheck, createdAt, now);
    }
}
