package io.flowplane.controlplane.model;


import java.time.Instant;
import java.util.UUID;

/** A stored API key: only the SHA-256 of the secret and a short prefix for recognition. */
public record ApiKey(UUID id, String name, String prefix, String keyHash, Role role, String pools,
                     Instant createdAt, Instant revokedAt) {
}
