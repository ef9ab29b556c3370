package io.flowplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * runs_per_s against db-scheduler, made fair: both run in this JVM, so a figure depends on how
 * warm the JIT is and on what ran just before. Each system first gets an untimed warm-up round of
 * its own (two, full size); then five timed rounds alternate (Flowplane, db-scheduler, Flowplane, ...), each on a
 * fresh database, and the figures are the medians, with the spread, of each and of the ratio of
 * each pair.
 */
final class Comparison {
    private Comparison() {
    }

    /** One system's round: {@code n} runs created in batches of {@code batch}, returns runs/s. */
    interface Round {
        double run(Path dir, int n) throws Exception;
    }

    static void run(Path dir, Bench.Mode m, Round flowplane, Round peer) throws Exception {
        boolean tiny = m.name().startsWith("tiny");
        int rounds = tiny ? 1 : 5;
        int warmups = tiny ? 1 : 2;
        // A full-size round: a smaller one left the JIT cold enough that the timed rounds still sped up.
        int warmup = m.runs();
        // Two each: after one, db-scheduler's rounds still got faster by a third from one to the next.
        for (int w = 0; w < warmups; w++) {
            if (flowplane != null) {
                Out.info("comparison: warm-up round of Flowplane (%d runs): %.0f runs/s", warmup,
                        flowplane.run(Files.createDirectories(dir.resolve("warmup-flowplane-" + w)), warmup));
            }
            if (peer != null) {
                Out.info("comparison: warm-up round of db-scheduler (%d tasks): %.0f runs/s", warmup,
                        peer.run(Files.createDirectories(dir.resolve("warmup-peer-" + w)), warmup));
            }
        }
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Double a = flowplane == null ? null : flowplane.run(Files.createDirectories(dir.resolve("flowplane-" + i)), m.runs());
            Double b = peer == null ? null : peer.run(Files.createDirectories(dir.resolve("peer-" + i)), m.dbSchedulerRuns());
            Out.info("comparison: round %d of %d: Flowplane %s, db-scheduler %s (load %s)", i + 1, rounds,
                    a == null ? "-" : String.format("%.0f runs/s", a), b == null ? "-" : String.format("%.0f runs/s", b),
                    Out.load());
            if (a != null) {
                ours.add(a);
            }
            if (b != null) {
                theirs.add(b);
            }
            if (a != null && b != null) {
                ratios.add(a / b);
            }
        }
        report("db_scheduler_runs_per_s", theirs, "runs/s");
        report("runs_per_s", ours, "runs/s");
        report("runs_ratio_vs_db_scheduler", ratios, "x");
    }

    /** The median as NAME, and NAME_spread_pct: (max - min) / median, in percent. */
    private static void report(String name, List<Double> values, String unit) {
        if (values.isEmpty()) {
            return;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        double median = median(v);
        double spread = (Arrays.stream(v).max().orElseThrow() - Arrays.stream(v).min().orElseThrow()) / median * 100;
        Out.info("comparison: %s over %d rounds: %s", name, v.length, Arrays.toString(v));
        Out.metric(name, median, unit);
        Out.metric(name + "_spread_pct", spread, "percent");
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
