package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** One action of one firing (the outbox row): the rendered action JSON and how its execution went. */
public record AutomationAction(UUID id, UUID firingId, UUID automationId, int position, String action, String status,
                               int attempts, Instant nextAt, String lastError, String result, Instant updatedAt) {
    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";
}
