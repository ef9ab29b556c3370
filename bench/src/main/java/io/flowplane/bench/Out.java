package io.flowplane.bench;

import java.util.Arrays;
import java.util.Locale;

/** Figures on stdout as {@code metric NAME VALUE UNIT}; everything else (progress, detail) on stderr. */
public final class Out {
    private Out() {
    }

    /** stdout as the harness found it: only figures go there (libraries' console logs are sent to stderr). */
    private static volatile java.io.PrintStream METRICS = System.out;

    /** Where figures go (tests collect them). */
    public static void sink(java.io.PrintStream out) {
        METRICS = out;
    }

    /** Sends everything but the figures to stderr; call before anything logs. */
    public static void claimStdout() {
        System.setOut(System.err);
    }

    public static synchronized void metric(String name, double value, String unit) {
        String v = value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.2f", value);
        METRICS.println("metric " + name + " " + v + " " + unit);
        METRICS.flush();
    }

    public static void info(String format, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
        System.err.flush();
    }

    /** The p-th percentile (0..100) of the values, nearest rank; NaN when empty. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
