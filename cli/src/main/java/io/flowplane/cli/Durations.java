package io.flowplane.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them: 90, 90s, 15m, 1h30m, 1d, or ISO-8601 (PT15M). */
public final class Durations {
    private static final Pattern PARTS = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|d|h|m|s)");

    private Durations() {
    }

    /** The duration in seconds, or empty when {@code text} is not a duration. */
    public static java.util.OptionalDouble seconds(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) {
            return java.util.OptionalDouble.of(Double.parseDouble(t));
        }
        if (t.startsWith("p")) {
            try {
                return java.util.OptionalDouble.of(Duration.parse(t.toUpperCase(java.util.Locale.ROOT)).toMillis() / 1000.0);
            } catch (DateTimeParseException e) {
                return java.util.OptionalDouble.empty();
            }
        }
        Matcher m = PARTS.matcher(t);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return java.util.OptionalDouble.empty();
            }
            double n = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> n / 1000;
                case "s" -> n;
                case "m" -> n * 60;
                case "h" -> n * 3600;
                default -> n * 86400;
            };
            end = m.end();
        }
        return end == t.length() && end > 0 ? java.util.OptionalDouble.of(total) : java.util.OptionalDouble.empty();
    }
}
