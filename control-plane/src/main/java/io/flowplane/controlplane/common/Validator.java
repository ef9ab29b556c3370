package io.flowplane.controlplane.common;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects field errors of one request, then throws them all at once. */
public final class Validator {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Parsed once: log ingestion checks every line's time against it. */
    private static final java.time.Instant YEAR_10000 = java.time.Instant.parse("+10000-01-01T00:00:00Z");

    private final List<FieldError> errors = new ArrayList<>();

    public Validator check(boolean ok, String field, String message) {
        if (!ok) {
            errors.add(new FieldError(field, message));
        }
        return this;
    }

    public Validator required(Object value, String field) {
        return check(value != null && !(value instanceof String s && s.isBlank()), field, "is required");
    }

    public Validator name(String value, String field) {
        if (value == null) {
            return required(null, field);
        }
        return check(NAME.matcher(value).matches(), field,
                "must be 1-100 characters: letters, digits, '.', '_', '-', starting with a letter or digit");
    }

    public Validator positiveOrNull(Integer value, String field) {
        return check(value == null || value >= 0, field, "must be 0 or more");
    }

    /** Instants the store can hold (epoch milliseconds) and people mean: years 1970 to 9999. */
    public static boolean inRange(java.time.Instant i) {
        return !i.isBefore(java.time.Instant.EPOCH) && i.isBefore(YEAR_10000);
    }

    public Validator add(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }
}
