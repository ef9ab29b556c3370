package io.flowplane.bench;

import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.Task;
import io.flowplane.sdk.results.LocalResultStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-task overhead of the SDK: a flow of 10,000 trivial tasks (each returns its input + 1, so
 * every result is distinct and stored), timed call by call. Median µs per task run, locally and
 * while reporting every task run (RUNNING and COMPLETED events) to a real control plane started
 * in-process on an H2 file. Also prints the reported run's wall time including the final flush
 * (every event acknowledged), divided by the task count.
 *
 * <p>Run: {@code java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.flowplane.bench.SdkOverheadBench [tasks] [rounds]}
 */
public final class SdkOverheadBench {
    record Size(int tasks) {
    }

    private static final Task<Integer, Integer> INC = Task.of("inc", x -> x + 1);

    /** The flow measures itself: nanoseconds of each task call, in order. */
    private static final ThreadLocal<long[]> TIMES = new ThreadLocal<>();

    private static final Flow<Size, Integer> FLOW = Flow.of("overhead", Size.class, s -> {
        long[] times = new long[s.tasks()];
        int sum = 0;
        for (int i = 0; i < s.tasks(); i++) {
            long t0 = System.nanoTime();
            sum += INC.call(i);
            times[i] = System.nanoTime() - t0;
        }
        TIMES.set(times);
        return sum;
    });

    private SdkOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        run(Files.createTempDirectory("flowplane-bench-sdk"), tasks, rounds);
    }

    /** Both figures, with {@code tasks} tasks per flow run and {@code rounds} measured runs. */
    public static void run(Path dir, int tasks, int rounds) throws Exception {

        try (FlowRunner local = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("local"))).build()) {
            double median = measure(local, tasks, rounds, "local");
            metric("sdk_task_overhead_local_us", median);
        }

        try (TestControlPlane cp = TestControlPlane.start(Files.createDirectories(dir.resolve("cp")), Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + cp.rest("/").getPort();
            try (FlowRunner reported = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("reported")))
                    .reportTo(url, "127.0.0.1:" + cp.grpcPort(), true, TestControlPlane.ADMIN_KEY).build()) {
                long t0 = System.nanoTime();
                double median = measure(reported, tasks, rounds, "reported");
                double wall = (System.nanoTime() - t0) / 1_000.0 / (tasks * (double) (rounds + 1));
                metric("sdk_task_overhead_reported_us", median);
                metric("sdk_task_reported_wall_incl_flush_us", wall);
            }
        }
    }

    /** One warm-up run, then {@code rounds} measured runs; the median over every measured task call. */
    private static double measure(FlowRunner runner, int tasks, int rounds, String label) {
        run(runner, tasks);
        long[] all = new long[tasks * rounds];
        for (int r = 0; r < rounds; r++) {
            System.arraycopy(run(runner, tasks), 0, all, r * tasks, tasks);
        }
        Arrays.sort(all);
        System.err.printf(Locale.ROOT, "%s: p50 %.2f us, p90 %.2f us, p99 %.2f us over %d task runs%n", label,
                all[all.length / 2] / 1e3, all[(int) (all.length * 0.9)] / 1e3, all[(int) (all.length * 0.99)] / 1e3,
                all.length);
        return all[all.length / 2] / 1e3;
    }

    private static long[] run(FlowRunner runner, int tasks) {
        FlowRunResult<Integer> r = runner.run(FLOW, new Size(tasks));
        if (!r.isCompleted()) {
            throw new IllegalStateException("benchmark flow failed: " + r.error(), r.error());
        }
        return TIMES.get();
    }

    private static void metric(String name, double microseconds) {
        Out.metric(name, microseconds, "us");
    }
}
