package io.flowplane.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;


/** The scenarios that run against the in-process control plane. */
final class Scenarios {
    private Scenarios() {
    }

    /**
     * dispatch_p50_ms / dispatch_p99_ms: one idle agent; each run is created through the REST API.
     * Dispatch latency runs from the run's creation (its {@code created_at}, taken by the control
     * plane inside the creating transaction, before the commit) to the moment the agent's executor
     * starts it (wall clock, same machine). The next run is created once the previous one is
     * COMPLETED and stored. Also printed: the same measured from just before the client sends the
     * create request (adds the REST call).
     */
    static void dispatch(BenchControlPlane cp, int warmup, int n) throws Exception {
        dispatch(cp, cp, warmup, n, "dispatch");
    }

    /**
     * The same with the runs created through {@code cp} and the agent connected to {@code agentSide}
     * (another replica on the same database, or {@code cp} itself); figures named {@code prefix}_p50_ms ….
     */
    static void dispatch(BenchControlPlane cp, BenchControlPlane agentSide, int warmup, int n, String prefix)
            throws Exception {
        Setup.pool(cp, "dispatch");
        Setup.deployment(cp, "dispatch-noop", "dispatch", Setup.NOOP, "");
        try (Fleet fleet = Fleet.start(List.of(agentSide), "dispatch", 1, 4)) {
            Thread.sleep(300);
            double[] ms = new double[n];
            double[] withCreate = new double[n];
            for (int i = -warmup; i < n; i++) {
                CountDownLatch started = new CountDownLatch(1);
                long[] at = new long[2];
                Executions.GLOBAL.onStart(runId -> {
                    at[0] = System.nanoTime();
                    Instant now = Instant.now();
                    at[1] = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
                    started.countDown();
                });
                long t0 = System.nanoTime();
                String id = Setup.run(cp, "dispatch-noop");
                if (!started.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("run " + id + " was not started within 30 s");
                }
                long createdMs = cp.sql(h -> h.createQuery("SELECT created_at FROM flow_runs WHERE id = :id")
                        .bind("id", java.util.UUID.fromString(id)).mapTo(Long.class).one());
                if (i >= 0) {
                    ms[i] = at[1] / 1000.0 - createdMs;
                    withCreate[i] = (at[0] - t0) / 1e6;
                }
                awaitState(cp, id, "COMPLETED", Duration.ofSeconds(30));
                Thread.sleep(2);
            }
            Executions.GLOBAL.reset();
            Out.info("%s over %d runs: p50 %.2f p90 %.2f p99 %.2f max %.2f ms; including the REST create call: "
                            + "p50 %.2f p99 %.2f ms", prefix, n, Out.percentile(ms, 50), Out.percentile(ms, 90),
                    Out.percentile(ms, 99), Out.percentile(ms, 100), Out.percentile(withCreate, 50),
                    Out.percentile(withCreate, 99));
            var claimTx = agentSide.metrics().timer("flowplane.claims.latency").getSnapshot();
            Out.info("%s: claim transactions (all of the section's, on the agent's replica) p50 %.2f p99 %.2f ms",
                    prefix, claimTx.getMedian() / 1e6, claimTx.get99thPercentile() / 1e6);
            Out.metric(prefix + "_p50_ms", Out.percentile(ms, 50), "ms");
            Out.metric(prefix + "_p99_ms", Out.percentile(ms, 99), "ms");
            if (cp == agentSide) {
                Out.metric(prefix + "_incl_rest_create_p50_ms", Out.percentile(withCreate, 50), "ms");
                Out.metric(prefix + "_incl_rest_create_p99_ms", Out.percentile(withCreate, 99), "ms");
            }
        }
    }

    static void awaitState(BenchControlPlane cp, String runId, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String s = cp.sql(h -> h.createQuery("SELECT state_type FROM flow_runs WHERE id = :id")
                    .bind("id", java.util.UUID.fromString(runId)).mapTo(String.class).one());
            if (s.equals(state)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run " + runId + " is " + s + ", not " + state);
            }
            Thread.sleep(1);
        }
    }

    /**
     * runs_per_s: {@code n} runs of a no-op deployment, created in batches of {@code batch} (one
     * transaction each) as fast as the creator goes, while {@code agents} agents of {@code slots}
     * slots drain the pool; from the first create until the last COMPLETED is stored.
     */
    static double throughput(BenchControlPlane cp, int n, int batch, int agents, int slots) throws Exception {
        return throughput(List.of(cp), n, batch, agents, slots);
    }

    /**
     * The same on several replicas of one database: the runs are created through the first, the
     * agents are spread over all of them (agent i on replica i mod size), and a run counts as done
     * when any replica stored its COMPLETED state.
     */
    static double throughput(List<BenchControlPlane> replicas, int n, int batch, int agents, int slots) throws Exception {
        BenchControlPlane cp = replicas.get(0);
        Setup.pool(cp, "throughput");
        Setup.deployment(cp, "throughput-noop", "throughput", Setup.NOOP, "");
        long before = cp.count("SELECT COUNT(*) FROM flow_runs WHERE state_type = 'COMPLETED'");
        java.util.function.LongSupplier completed = () -> replicas.stream().mapToLong(BenchControlPlane::completedRuns).sum();
        try (Fleet fleet = Fleet.start(replicas, "throughput", agents, slots)) {
            Thread.sleep(300);
            long meterBefore = completed.getAsLong();
            CpuUse cpu = new CpuUse();
            BenchControlPlane.StoreWrites writesBefore = cp.storeWrites();
            long passesBefore = cp.metrics().timer("flowplane.claims.latency").getCount();
            long batchesBefore = cp.metrics().timer("flowplane.events.batch-latency").getCount();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i += batch) {
                Setup.runs(cp, "throughput-noop", Math.min(batch, n - i));
            }
            double created = (System.nanoTime() - t0) / 1e9;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long done;
            while ((done = completed.getAsLong() - meterBefore) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + done + " of " + n + " runs completed in 10 minutes");
                }
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long stored = cp.count("SELECT COUNT(*) FROM flow_runs WHERE state_type = 'COMPLETED'") - before;
            if (stored < n) {
                throw new IllegalStateException("the completed meter says " + done + " but only " + stored + " are stored");
            }
            long dup = Executions.GLOBAL.duplicates();
            Out.info("throughput: %d runs in %.2f s (creating took %.2f s) with %d agents x %d slots; duplicates %d",
                    n, seconds, created, agents, slots, dup);
            // How well the work batched (on the first replica): runs per claim pass and per event batch.
            long passes = cp.metrics().timer("flowplane.claims.latency").getCount() - passesBefore;
            long batches = cp.metrics().timer("flowplane.events.batch-latency").getCount() - batchesBefore;
            BenchControlPlane.StoreWrites writes = cp.storeWrites().minus(writesBefore);
            Out.info("throughput: %d claim passes (%.1f runs each), %d event batches (%.1f runs each); H2 wrote %d "
                            + "chunks (commits), %.0f bytes per run", passes, (double) n / Math.max(1, passes), batches,
                    (double) n / Math.max(1, batches), writes.chunks(), (double) writes.bytes() / n);
            Out.info("throughput: %s", cpu.summary(n, "run"));
            Executions.GLOBAL.reset();
            return n / seconds;
        }
    }

    /**
     * scheduler_lateness_p99_ms: {@code deployments} deployments, each with one schedule
     * ({@code scheduleJson}), served by agents; over a window of {@code window}, every scheduled
     * instant must produce exactly one run, executed once and COMPLETED. Lateness of a run: the
     * moment an agent claimed it (its PENDING state record) minus its scheduled time.
     */
    static void lateness(BenchControlPlane cp, int deployments, int periodSeconds, Duration window, int agents,
                         int slots) throws Exception {
        String scheduleJson = periodSeconds == 60 ? "{\"cron\":\"* * * * *\"}" : "{\"intervalSeconds\":" + periodSeconds + "}";
        Setup.pool(cp, "sched");
        long t0 = System.nanoTime();
        int threads = 4;
        List<Thread> creators = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int from = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = from; i < deployments; i += threads) {
                        Setup.deployment(cp, "sched-" + i, "sched", Setup.NOOP, "\"schedules\":[" + scheduleJson + "]");
                        if (i > 0 && i % 1000 == 0) {
                            Out.info("lateness: %d deployments upserted after %.0f s", i, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            th.start();
            creators.add(th);
        }
        for (Thread th : creators) {
            th.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        long materialised = cp.count("SELECT COUNT(*) FROM flow_runs WHERE schedule_id IS NOT NULL");
        Out.info("lateness: %d deployments with %s upserted in %.1f s (%d runs materialised ahead)", deployments,
                scheduleJson, (System.nanoTime() - t0) / 1e9, materialised);
        try (Fleet fleet = Fleet.start(cp, "sched", agents, slots)) {
            // Runs already due (the setup took a while) are caught up or skipped per the deployment's
            // catch-up rule; the window starts after setup, on the next whole second.
            Instant from = Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Instant to = from.plus(window);
            Out.info("lateness: window %s .. %s", from, to);
            String inWindow = "r.schedule_id IS NOT NULL AND r.scheduled_at >= " + from.toEpochMilli()
                    + " AND r.scheduled_at < " + to.toEpochMilli();
            // Both a one-minute cron and an interval (anchored at midnight) fire on multiples of the period.
            long instants = 0;
            for (long t = from.getEpochSecond(); t < to.getEpochSecond(); t++) {
                if (t % periodSeconds == 0) {
                    instants++;
                }
            }
            long expected = instants * deployments;
            long completedBefore = cp.completedRuns();
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), to).toMillis()));
            // Then until every run of the window is COMPLETED (or 30 s more: the rest count as missed).
            // The completed meter gates the check: a COUNT over every materialised run takes a core
            // for a second at 10,000 deployments, and polling it slowed the very claims it waited for.
            long settle = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < settle && (cp.completedRuns() - completedBefore < expected
                    || cp.count("SELECT COUNT(*) FROM flow_runs r WHERE " + inWindow + " AND r.state_type <> 'COMPLETED'") > 0)) {
                Thread.sleep(100);
            }
            List<Double> late = cp.sql(h -> h.createQuery("SELECT s.at - r.scheduled_at FROM flow_runs r "
                    + "JOIN flow_run_states s ON s.run_id = r.id AND s.state_type = 'PENDING' WHERE " + inWindow)
                    .mapTo(Double.class).list());
            long runs = cp.count("SELECT COUNT(*) FROM flow_runs r WHERE " + inWindow);
            long distinct = cp.count("SELECT COUNT(DISTINCT (r.schedule_id, r.scheduled_at)) FROM flow_runs r WHERE " + inWindow);
            long completed = cp.count("SELECT COUNT(DISTINCT (r.schedule_id, r.scheduled_at)) FROM flow_runs r WHERE "
                    + inWindow + " AND r.state_type = 'COMPLETED'");
            long claims = late.size();
            long duplicates = (runs - distinct) + (claims - runs) + Executions.GLOBAL.duplicates();
            double[] ms = late.stream().mapToDouble(Double::doubleValue).toArray();
            Out.info("lateness: %d instants x %d deployments = %d expected; %d runs, %d completed, %d claims; "
                            + "lateness p50 %.0f p99 %.0f max %.0f ms", instants, deployments, expected, runs, completed,
                    claims, Out.percentile(ms, 50), Out.percentile(ms, 99), Out.percentile(ms, 100));
            Out.metric("scheduler_lateness_p99_ms", Out.percentile(ms, 99), "ms");
            Out.metric("scheduler_duplicates", duplicates, "runs");
            Out.metric("scheduler_missed", Math.max(0, expected - completed), "runs");
            Executions.GLOBAL.reset();
        }
    }
}
