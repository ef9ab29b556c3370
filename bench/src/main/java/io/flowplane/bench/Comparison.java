package io.flowplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * runs_per_s against db-scheduler, made fair: both run in this JVM, so a figure depends on how
 * warm the JIT is and on what ran just before. Each system first gets untimed full-size warm-up
 * rounds of its own, at least five and then until two in a row agree within 5 %; then five timed rounds alternate
 * (Flowplane, db-scheduler, Flowplane, ...), each on a fresh database, and the figures are the
 * medians, with the spread, of each and of the ratio of each pair.
 */
final class Comparison {
    private static final int MIN_WARMUP = 5;

    private Comparison() {
    }

    /** One system's round: {@code n} runs created in batches of {@code batch}, returns runs/s. */
    interface Round {
        double run(Path dir, int n) throws Exception;
    }

    static void run(Path dir, Bench.Mode m, Round flowplane, Round peer) throws Exception {
        boolean tiny = m.name().startsWith("tiny");
        int rounds = tiny ? 1 : 5;
        // Full-size rounds: smaller ones left the JIT cold enough that the timed rounds still sped up.
        int warmup = m.runs();
        if (flowplane != null) {
            warmUp("Flowplane", flowplane, dir.resolve("warmup-flowplane"), warmup, tiny);
        }
        if (peer != null) {
            warmUp("db-scheduler", peer, dir.resolve("warmup-peer"), warmup, tiny);
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

    /**
     * Untimed full-size rounds, at least {@link #MIN_WARMUP} and then until two in a row differ by
     * less than 5 % (at most 12): one or two were not enough, Flowplane's per-run CPU kept falling
     * for eight more (C2 compiling more of H2, JDBI and gRPC; a fixed heap made no difference),
     * db-scheduler's for three to five; and two noisy early rounds could agree by chance (on
     * 2026-12-03 Flowplane stopped after three and its timed rounds then rose from 2,963 to 4,397).
     */
    private static void warmUp(String name, Round round, Path dir, int n, boolean tiny) throws Exception {
        double previous = 0;
        for (int i = 0; i < (tiny ? 1 : 12); i++) {
            double r = round.run(Files.createDirectories(dir.resolve(String.valueOf(i))), n);
            Out.info("comparison: warm-up round %d of %s (%d runs): %.0f runs/s", i + 1, name, n, r);
            if (i + 1 >= MIN_WARMUP && Math.abs(r - previous) < 0.05 * previous) {
                return;
            }
            previous = r;
        }
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
