package io.flowplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * runs_per_s against db-scheduler, made fair: both run in this JVM, so a figure depends on how
 * warm the JIT is and on what ran just before. Untimed full-size warm-up rounds alternate
 * (Flowplane, db-scheduler, ...) until each system is steady; then five timed rounds alternate
 * the same way, each on a fresh database, and the figures are the medians, with the spread, of
 * each and of the ratio of each pair.
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
        warmUp(flowplane, peer, dir, warmup, m.dbSchedulerRuns(), tiny);
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
     * Untimed full-size rounds, alternating as the timed ones do (Flowplane, db-scheduler, ...):
     * at least {@link #MIN_WARMUP} pairs and then until each system's last two rounds agree within
     * 5 % (at most 12 pairs). Both run H2 in this JVM, so what one compiles the other profits from:
     * warming one up fully and then the other let Flowplane's timed rounds keep rising after the
     * peer's warm-up (3,777 to 5,633 runs/s on 2026-12-04). One or two rounds were never enough
     * (Flowplane's per-run CPU kept falling for eight, db-scheduler's for three to five), and two
     * noisy early rounds could agree by chance, hence the minimum.
     */
    private static void warmUp(Round flowplane, Round peer, Path dir, int n, int peerN, boolean tiny) throws Exception {
        List<Warming> systems = new ArrayList<>();
        if (flowplane != null) {
            systems.add(new Warming("Flowplane", flowplane, dir.resolve("warmup-flowplane"), n));
        }
        if (peer != null) {
            systems.add(new Warming("db-scheduler", peer, dir.resolve("warmup-peer"), peerN));
        }
        for (int i = 0; i < (tiny ? 1 : 12); i++) {
            for (Warming w : systems) {
                w.round(i);
            }
            if (systems.stream().allMatch(w -> w.steady)) {
                return;
            }
        }
    }

    /** One system's warm-up: its last round, and whether it agreed with the one before. */
    private static final class Warming {
        private final String name;
        private final Round round;
        private final Path dir;
        private final int n;
        private double last;
        boolean steady;

        Warming(String name, Round round, Path dir, int n) {
            this.name = name;
            this.round = round;
            this.dir = dir;
            this.n = n;
        }

        void round(int i) throws Exception {
            double r = round.run(Files.createDirectories(dir.resolve(String.valueOf(i))), n);
            Out.info("comparison: warm-up round %d of %s (%d runs): %.0f runs/s", i + 1, name, n, r);
            steady = i + 1 >= MIN_WARMUP && Math.abs(r - last) < 0.05 * last;
            last = r;
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
