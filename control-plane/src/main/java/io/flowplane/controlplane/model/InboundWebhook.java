package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** An inbound webhook: only its secret's SHA-256 is stored. */
public record InboundWebhook(UUID id, String name, String secretHash, Instant createdAt) {
}
