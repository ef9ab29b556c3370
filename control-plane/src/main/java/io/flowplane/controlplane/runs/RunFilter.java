package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Which runs to list: all filters optional; newest first, {@code limit} per page after {@code cursor}. */
public record RunFilter(UUID deploymentId, Set<StateType> states, Instant createdAfter, Instant createdBefore,
                        String tag, int limit, Cursor cursor) {

    /** Where the previous page ended. */
    public record Cursor(Instant createdAt, UUID id) {
        public String encode() {
            String raw = createdAt.toEpochMilli() + ":" + id;
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException if the text is not a cursor this server produced */
        public static Cursor decode(String text) {
            String raw = new String(java.util.Base64.getUrlDecoder().decode(text), java.nio.charset.StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("malformed cursor");
            }
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))),
                    UUID.fromString(raw.substring(colon + 1)));
        }
    }
}
