package io.flowplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark harness: {@code java -jar bench/target/flowplane-bench.jar [--quick|--tiny]
 * [--only a,b] [--skip a,b]}. Prints one {@code metric NAME VALUE UNIT} line per figure on
 * stdout; progress and detail go to stderr. See docs/benchmarks.md.
 */
public final class Bench {
    /** Sizes of one mode. */
    record Mode(String name, int startRepeats, int sdkTasks, int sdkRounds, int dispatchWarmup, int dispatchRuns,
                int runs, int createBatch, int agents, int slots, int dbSchedulerRuns, int schedDeployments,
                int schedPeriodSeconds, Duration schedWindow, int logLines, int logRuns, Duration idle) {
    }

    static final Mode FULL = new Mode("full", 3, 10_000, 5, 50, 1_000, 20_000, 500, 4, 64, 20_000, 10_000, 60,
            Duration.ofMinutes(3), 400_000, 4, Duration.ofSeconds(30));
    static final Mode QUICK = new Mode("quick", 1, 2_000, 2, 20, 200, 5_000, 500, 4, 64, 5_000, 300, 5,
            Duration.ofSeconds(10), 100_000, 2, Duration.ofSeconds(5));
    /** The smoke test's sizes: every figure, each from a handful of samples. */
    static final Mode TINY = new Mode("tiny", 1, 200, 1, 2, 10, 200, 100, 2, 8, 200, 10, 2,
            Duration.ofSeconds(4), 2_000, 1, Duration.ofSeconds(1));

    static final List<String> SECTIONS = List.of("startup", "sdk", "dbscheduler", "dispatch", "throughput", "logs",
            "lateness", "rss", "automations");
    /** Run only when named: log ingestion at the protocol level (no agent), for profiling the control plane. */
    static final List<String> EXTRA = List.of("logsgrpc", "dbsweep", "ui", "replicas");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Out.claimStdout();
        System.exit(run(args));
    }

    /** Runs the sections the arguments name; returns the number that failed (2 for bad arguments). */
    public static int run(String[] args) throws Exception {
        Mode mode = FULL;
        int deployments = 0;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> mode = QUICK;
                case "--tiny" -> mode = TINY;
                case "--full" -> mode = FULL;
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--skip" -> only.removeAll(Arrays.asList(args[++i].split(",")));
                case "--deployments" -> deployments = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: flowplane-bench [--quick|--tiny|--full] [--only a,b] [--skip a,b] [--deployments N]; "
                            + "sections: " + SECTIONS);
                    return 2;
                }
            }
        }
        if (deployments > 0) {
            mode = new Mode(mode.name() + "(deployments=" + deployments + ")", mode.startRepeats(), mode.sdkTasks(),
                    mode.sdkRounds(), mode.dispatchWarmup(), mode.dispatchRuns(), mode.runs(), mode.createBatch(),
                    mode.agents(), mode.slots(), mode.dbSchedulerRuns(), deployments, mode.schedPeriodSeconds(),
                    mode.schedWindow(), mode.logLines(), mode.logRuns(), mode.idle());
        }
        Path root = Files.createTempDirectory("flowplane-bench");
        Out.info("mode %s, sections %s, data under %s, %d cores, load %s", mode.name(), only, root,
                Runtime.getRuntime().availableProcessors(), Out.load());
        long t0 = System.nanoTime();
        int failures = 0;
        List<String> all = new java.util.ArrayList<>(SECTIONS);
        all.addAll(EXTRA);
        comparedWithPeer = only.contains("dbscheduler") && only.contains("throughput");
        for (String section : all) {
            if (!only.contains(section) || section.equals("dbscheduler") && comparedWithPeer) {
                continue;
            }
            long s0 = System.nanoTime();
            try {
                run(section, mode, Files.createDirectories(root.resolve(section)));
            } catch (Exception | AssertionError e) {
                failures++;
                Out.info("section %s FAILED: %s", section, e);
                e.printStackTrace();
            }
            Out.info("section %s took %.1f s (load %s)", section, (System.nanoTime() - s0) / 1e9, Out.load());
        }
        Out.info("all sections took %.1f s", (System.nanoTime() - t0) / 1e9);
        if (failures == 0) {
            Dirs.deleteTree(root);
        } else {
            Out.info("data of the run kept for a look at what failed: %s", root);
        }
        return failures;
    }

    private static void run(String section, Mode m, Path dir) throws Exception {
        switch (section) {
            case "startup" -> StartupBench.run(dir, m.startRepeats());
            case "sdk" -> SdkOverheadBench.run(dir, m.sdkTasks(), m.sdkRounds());
            // With throughput selected, the peer's rounds alternate with Flowplane's there.
            case "dbscheduler" -> Comparison.run(dir, m, null, (d, n) -> peerRound(d, m, n));
            case "dispatch" -> {
                try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
                    Scenarios.dispatch(cp, m.dispatchWarmup(), m.dispatchRuns());
                }
            }
            case "throughput" -> Comparison.run(dir, m, (d, n) -> flowplaneRound(d, m, n),
                    comparedWithPeer ? (d, n) -> peerRound(d, m, n) : null);
            case "logs" -> {
                try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
                    LogBench.agent(cp, m.logRuns(), m.logLines() / m.logRuns());
                }
            }
            case "dbsweep" -> {
                int i = 0;
                for (int threads : new int[]{8, 32, 64}) {
                    for (long poll : new long[]{10, 100}) {
                        for (double upper : new double[]{3.0, 6.0}) {
                            var s = new DbSchedulerBench.Settings(threads, Duration.ofMillis(poll), 0.5, upper, false);
                            double r = DbSchedulerBench.run(Files.createDirectories(dir.resolve("s" + i++)),
                                    m.dbSchedulerRuns(), m.createBatch(), s);
                            Out.info("db-scheduler sweep: %.0f runs/s with %s", r, s);
                        }
                    }
                }
            }
            case "automations" -> {
                try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
                    AutomationBench.run(cp, Math.max(5, m.dispatchRuns() / 5));
                }
            }
            case "logsgrpc" -> {
                try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
                    LogBench.grpc(cp, Math.min(100_000, m.logLines()), 2000);
                }
            }
            case "lateness" -> {
                try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
                    Scenarios.lateness(cp, m.schedDeployments(), m.schedPeriodSeconds(), m.schedWindow(), m.agents(),
                            m.slots());
                }
            }
            case "rss" -> RssBench.run(dir, m.idle());
            case "replicas" -> Replicas.run(dir, m);
            // The web UI's runs page over 100,000 stored runs (tiny: 2,000), in headless Chromium.
            case "ui" -> UiBench.run(dir, m.name().startsWith("tiny") ? 2_000 : 100_000, 6);
            default -> throw new IllegalArgumentException(section);
        }
    }

    private static double flowplaneRound(Path dir, Mode m, int n) throws Exception {
        try (BenchControlPlane cp = BenchControlPlane.start(dir)) {
            return Scenarios.throughput(cp, n, m.createBatch(), m.agents(), m.slots());
        }
    }

    private static double peerRound(Path dir, Mode m, int n) throws Exception {
        return DbSchedulerBench.run(dir, n, m.createBatch(), DbSchedulerBench.BEST);
    }

    /** Whether the throughput section runs db-scheduler's rounds (the dbscheduler section was selected too). */
    private static boolean comparedWithPeer;
}
