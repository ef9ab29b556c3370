package io.flowplane.controlplane.api;

import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.common.Validator;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Time filters given as query parameters (created-after, since, ...), checked the same way everywhere. */
final class QueryInstants {
    private QueryInstants() {
    }

    /** The instant, or null if absent; a 422 naming {@code field} if it is no ISO-8601 instant the store can hold. */
    static Instant parse(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            Instant i = Instant.parse(value);
            // Beyond these years the store cannot hold the instant (it was a 500).
            if (!Validator.inRange(i)) {
                throw new ValidationException(field, "must be between 1970 and 9999");
            }
            return i;
        } catch (DateTimeParseException e) {
            throw new ValidationException(field, "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }
}
