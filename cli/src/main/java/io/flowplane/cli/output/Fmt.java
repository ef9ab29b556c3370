package io.flowplane.cli.output;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Formatting of the server's JSON values for tables: local times, short durations, "-" for absent. */
public final class Fmt {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Fmt() {
    }

    /** A text field, or null (printed as "-") when absent. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    public static Instant instant(JsonNode n, String field) {
        String s = text(n, field);
        return s == null ? null : Instant.parse(s);
    }

    /** An instant as local date and time, to the second. */
    public static String time(JsonNode n, String field) {
        Instant i = instant(n, field);
        return i == null ? null : LOCAL.format(i);
    }

    /** An ISO-8601 instant as local date and time. */
    public static String time(String iso) {
        return iso == null ? null : LOCAL.format(Instant.parse(iso));
    }

    /** An instant as a local wall clock with milliseconds, for streams of events. */
    public static String clock(Instant i) {
        return CLOCK.format(i == null ? Instant.now() : i);
    }

    /** From {@code from} to {@code to} (or now, while running). */
    public static String duration(Instant from, Instant to) {
        if (from == null) {
            return null;
        }
        return duration(Duration.between(from, to == null ? Instant.now() : to));
    }

    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = d.truncatedTo(ChronoUnit.SECONDS).getSeconds();
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s / 3600 + "h" + s % 3600 / 60 + "m";
    }

    /** The run's state as "Running" or "Failed (exit code 1)"-like text: the named state, then its message. */
    public static String state(JsonNode state) {
        if (state == null || state.isNull()) {
            return null;
        }
        String name = state.path("name").asText(state.path("type").asText());
        String msg = state.path("message").asText("");
        return msg.isEmpty() ? name : name + " (" + truncate(msg, 80) + ")";
    }

    public static String truncate(String s, int max) {
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
