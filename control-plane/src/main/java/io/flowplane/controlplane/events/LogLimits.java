package io.flowplane.controlplane.events;

/** How much log a run may store: a cap per line (truncated visibly) and per run (then dropped). */
public record LogLimits(int maxLineChars, long maxLinesPerRun) {
    public static final LogLimits DEFAULT = new LogLimits(16 * 1024, 100_000);

    String truncate(String message) {
        if (message.length() <= maxLineChars) {
            return message;
        }
        int omitted = message.length() - maxLineChars;
        return message.substring(0, maxLineChars) + " …[truncated " + omitted + " characters]";
    }
}
