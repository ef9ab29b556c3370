package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** One notification to one target, with its retry state; PENDING until delivered (DONE) or given up (FAILED). */
public record NotificationDelivery(UUID id, UUID targetId, UUID actionId, Long eventId, String body, String status,
                                   int attempts, Instant nextAt, Integer lastStatus, String lastError,
                                   Instant createdAt, Instant updatedAt) {
}
