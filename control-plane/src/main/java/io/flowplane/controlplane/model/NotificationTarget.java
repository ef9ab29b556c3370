package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** Where notifications go. {@code secret} signs webhook bodies; it is never returned or logged. */
public record NotificationTarget(UUID id, String name, String kind, String url, String secret, String template,
                                 Instant createdAt, Instant updatedAt) {
    public static final String WEBHOOK = "webhook";
    public static final String SLACK = "slack";

    @Override
    public String toString() {
        // Records print every component; the secret (and a Slack URL, which is one) must not reach a log.
        return "NotificationTarget[" + name + ", " + kind + "]";
    }
}
