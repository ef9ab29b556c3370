package io.flowplane.controlplane.specs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * RFC 5545 §3.3.5 for local times: a repeated local time means its first occurrence, and a local
 * time that does not exist is read with the UTC offset before the gap (02:30 in a one-hour
 * spring-forward gap is 03:30 local). {@link ZonedDateTime#of} implements exactly this rule.
 */
final class Rfc5545 {
    private Rfc5545() {
    }

    static Instant toInstant(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.of(local, zone).toInstant();
    }
}
