package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/**
 * One audited request. {@code keyId}/{@code keyName}/{@code role} are null when no valid key was
 * sent; {@code outcome} is {@code succeeded} (2xx/3xx), {@code refused} (401/403) or
 * {@code failed} (any other status). {@code id} is null until stored.
 */
public record AuditEvent(Long id, Instant at, UUID keyId, String keyName, String role, String transport,
                         String method, String resource, int status, String outcome, String remoteAddress) {

    /** The outcome a response status stands for. */
    public static String outcomeOf(int status) {
        if (status == 401 || status == 403) {
            return "refused";
        }
        return status < 400 ? "succeeded" : "failed";
    }
}
