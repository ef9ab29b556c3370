package io.flowplane.agent.exec;

import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.RunLease;
import io.flowplane.proto.v1.StateType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The runs this agent holds. Starts a {@link FlowProcess} per claimed run (or adopts what an
 * earlier incarnation left), and applies what the control plane says about them: cancel
 * (terminate, report CANCELLED), lost or stale lease (terminate, report nothing more). Lists the
 * leases heartbeats extend, until each run's final event is acknowledged, and stops a run's
 * process tree itself when its lease could not be renewed in time ({@link #checkLeases()}).
 */
public final class RunSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(RunSupervisor.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Where runs get their directories, how long a process gets to stop, how long output is read
     * after the process exited, output limits, and the lease safety settings (null: derived from
     * the lease, see {@link LeaseKeeper.Terms}).
     */
    public record Settings(Path runsDir, Duration killGrace, Duration drainTimeout, int maxLineBytes,
                           Duration leaseMargin, Duration fenceGrace) {
    }

    /** Notified when a run's process starts and when the agent is done with a run (metrics, tests). */
    public interface Listener {
        default void started(String runId, long epoch, long pid) {
        }

        default void ended(String runId) {
        }
    }

    /** What a supervisor works with, grouped to keep the constructor short. */
    public record Context(Settings settings, Reporter reporter, RunEnvironmentFactory environment,
                          Supplier<String> relayEndpoint, IntConsumer releaseSlots, Listener listener, Clock clock,
                          String agentName) {
    }

    /**
     * Carries a claimed run to its end on a supervisor thread: reports its states through the
     * supervisor's reporter and calls {@link RunSupervisor#ended} when done. The agent runs the
     * deployment's entrypoint as a local process tree ({@link #PROCESS}); embedding code (the
     * benchmark harness) may plug in another, such as {@link NoopExecution#EXECUTOR}.
     */
    public interface Executor {
        Executor PROCESS = new ProcessExecutor();

        Runnable execution(ActiveRun run, RunSupervisor supervisor, Path runDir);

        /**
         * Called once when the agent starts, before it claims anything: the runs an earlier
         * incarnation on the same state directory left. Each adoption returned is held like a
         * claimed run (slot, heartbeats, cancel, fencing) until its execution ends; whatever the
         * executor does not adopt it must stop before its lease can expire. The Kubernetes executor
         * finds its Jobs by label here.
         *
         * <p>The contract every executor keeps (the process executor as described in
         * agent/README.md): once the execution started, it registers how to stop it with
         * {@link ActiveRun#stopWith} (cancel, a lost lease and the lease deadline
         * {@link RunSupervisor#checkLeases} enforces all stop through it); it never reports about a
         * run marked fenced; and what it started is stopped before the lease can expire even if the
         * agent dies (the process executor's watchdog; a Kubernetes Job would need the same, e.g.
         * a deadline the agent keeps moving).
         */
        default List<Adoption> recover(RunSupervisor supervisor) {
            return List.of();
        }
    }

    /** A run taken over from an earlier incarnation of the agent, and what carries it to its end. */
    public record Adoption(ActiveRun run, Runnable execution) {
    }

    /** Builds the process environment (kept behind an interface so the agent wires the secret providers). */
    public interface RunEnvironmentFactory {
        Map<String, String> agentEnvironment();

        io.flowplane.agent.secrets.SecretResolver secrets();
    }

    private final Context context;
    private final RunEnvironment environment;
    private final Map<String, ActiveRun> runs = new ConcurrentHashMap<>();
    private final Map<String, ActiveRun> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger processes = new AtomicInteger();
    private final ExecutorService threads;
    private final LeaseKeeper leases;
    private final Watchdog watchdog;
    private final io.flowplane.agent.source.CodeCache code;
    private volatile Executor executor = Executor.PROCESS;
    private volatile Runnable renewSoon = () -> { };

    public RunSupervisor(Context context) {
        this.context = context;
        Settings s = context.settings();
        this.leases = new LeaseKeeper(s.killGrace(), s.leaseMargin(), s.fenceGrace());
        try {
            this.watchdog = Watchdog.install(s.runsDir().getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not install the run watchdog in " + s.runsDir().getParent(), e);
        }
        this.environment = new RunEnvironment(context.environment().agentEnvironment(), context.environment().secrets());
        this.code = new io.flowplane.agent.source.CodeCache(s.runsDir().getParent().resolve("code"),
                context.environment().agentEnvironment(), Duration.ofMinutes(10));
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "flowplane-run-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a claimed run; the caller reserved a slot for it, released when the run ends.
     * {@code leaseBasisNanos}: when its lease started (System.nanoTime; never after it did on the
     * control plane), the basis of the lease until its first renewal: the next heartbeat, or one
     * within a second if the claim came with half its lease or less left
     * ({@link LeaseKeeper#renewEarly}). A claim that arrives so late that its lease may be over is not started: the control plane may
     * have crashed and retried the run meanwhile; it crashes this attempt (retries apply).
     */
    public void launch(ClaimedRun claim, long leaseBasisNanos) {
        ActiveRun run = new ActiveRun(claim, newToken());
        leases.granted(run, leaseBasisNanos);
        if (leases.known() && System.nanoTime() - leases.fenceAt(run) >= 0) {
            LOG.warn("run {}: its claim arrived {} ms after the control plane made it, too late to start it before its "
                    + "lease could expire; not started, nothing is reported about it", run.id(),
                    (System.nanoTime() - leaseBasisNanos) / 1_000_000);
            run.fenced = true;
        }
        runs.put(run.id(), run);
        tokens.put(run.token, run);
        processes.incrementAndGet();
        if (leases.renewEarly(run)) {
            renewSoon.run();
        }
        threads.execute(withRunId(run.id(),
                executor.execution(run, this, context.settings().runsDir().resolve(RunFiles.dirName(claim)))));
    }

    /** The run's id in the logging context (MDC "runId") of the thread that executes it. */
    private static Runnable withRunId(String runId, Runnable execution) {
        return () -> {
            org.slf4j.MDC.put("runId", runId);
            try {
                execution.run();
            } finally {
                org.slf4j.MDC.remove("runId");
            }
        };
    }

    /**
     * Takes over what an earlier incarnation left (before the agent claims anything); returns how
     * many runs it holds now, each holding a slot the caller must take.
     */
    public int recover() {
        List<Adoption> adopted = executor.recover(this);
        for (Adoption a : adopted) {
            ActiveRun run = a.run();
            runs.put(run.id(), run);
            if (!run.token.isEmpty()) {
                tokens.put(run.token, run);
            }
            processes.incrementAndGet();
            threads.execute(withRunId(run.id(), a.execution()));
        }
        return adopted.size();
    }

    /** The lease duration the control plane grants (from registration). */
    public void leaseDuration(Duration lease) {
        leases.leaseDuration(lease);
    }

    /** What to call for a renewal as soon as possible (a run was just claimed). */
    public void renewals(Runnable soon) {
        this.renewSoon = soon;
    }

    /** A heartbeat sent at {@code sentNanos} extended these leases (the lost ones are left out). */
    public void renewed(List<RunLease> extended, long sentNanos) {
        for (RunLease l : extended) {
            ActiveRun run = runs.get(l.getRunId());
            if (run != null && run.epoch() == l.getLeaseEpoch() && !run.fenced) {
                leases.granted(run, sentNanos);
            }
        }
    }

    /**
     * Self-fencing: a run whose lease could not be renewed in time has its process tree stopped
     * before the lease can expire on the control plane (SIGTERM now, SIGKILL at the deadline), and
     * is remembered as lost: nothing more is reported about it. Called every 100 ms.
     */
    public void checkLeases() {
        long now = System.nanoTime();
        for (ActiveRun run : runs.values()) {
            if (run.closed || run.fenced || run.leaseValidUntil == 0 || now - leases.fenceAt(run) < 0) {
                continue;
            }
            long left = Math.max(0, run.leaseValidUntil - now);
            LOG.warn("run {}: its lease could not be renewed in time (valid for {} ms more); stopping its process "
                    + "tree before the control plane's lease expires; nothing more is reported about it", run.id(),
                    left / 1_000_000);
            run.fenced = true;
            RunFiles files = run.files;
            if (files != null) {
                try {
                    files.markFenced();
                } catch (IOException e) {
                    LOG.debug("run {}: could not mark it fenced", run.id(), e);
                }
            }
            terminate(run, Duration.ofNanos(left));
        }
    }

    /** Replaces the process executor (before the agent claims anything). */
    public void executor(Executor executor) {
        this.executor = executor;
    }

    /** A claim that arrived while the agent is stopping: give it back to the pool at once. */
    public void handBack(ClaimedRun claim) {
        handBack(new ActiveRun(claim, ""));
        context.releaseSlots().accept(1);
    }

    void handBack(ActiveRun run) {
        run.closed = true;
        context.reporter().state(run, StateType.SCHEDULED, null, "handed back: agent " + context.agentName()
                + " is shutting down");
    }

    /** A user cancelled the run: stop its process tree; the run then reports CANCELLED. */
    public void cancel(String runId) {
        ActiveRun run = runs.get(runId);
        if (run == null || run.cancelRequested || run.closed) {
            return;
        }
        LOG.info("run {}: cancel requested, stopping its process tree", runId);
        run.cancelRequested = true;
        terminate(run);
    }

    /** The control plane says this agent no longer holds the run: stop it and report nothing more. */
    public void lost(String runId, long epoch, String reason) {
        ActiveRun run = runs.get(runId);
        if (run == null) {
            return;
        }
        if (epoch >= 0 && run.epoch() != epoch) {
            // About an earlier attempt of the run (a late heartbeat answer or a leftover event):
            // the attempt this agent holds now is not lost.
            return;
        }
        if (!run.closed) {
            LOG.warn("run {}: lease lost ({}); stopping its process and its reports", runId, reason);
        }
        run.fenced = true;
        if (run.closed) {
            runs.remove(runId);
        } else {
            terminate(run);
        }
    }

    /** Everything up to {@code seq} is stored by the control plane. */
    public void acknowledged(long seq) {
        runs.values().removeIf(r -> r.finalSeq > 0 && r.finalSeq <= seq);
    }

    /** The leases to extend: every run held whose final event is not yet acknowledged. */
    public List<RunLease> leases() {
        return runs.values().stream().filter(r -> !r.fenced)
                .map(r -> RunLease.newBuilder().setRunId(r.id()).setLeaseEpoch(r.epoch()).build()).toList();
    }

    /** Processes not yet ended. */
    public int running() {
        return processes.get();
    }

    public ActiveRun byToken(String token) {
        return token == null ? null : tokens.get(token);
    }

    /** Shutdown, after the grace period: stop every process still running and hand its run back. */
    public void stopAll() {
        runs.values().forEach(r -> {
            if (!r.closed) {
                r.shuttingDown = true;
                terminate(r);
            }
        });
    }

    /** Waits until no process is running; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    void terminate(ActiveRun run) {
        terminate(run, context.settings().killGrace());
    }

    /** Through the run's {@link ActiveRun.Stopper}: the supervisor never reaches into a particular executor. */
    private void terminate(ActiveRun run, Duration grace) {
        ActiveRun.Stopper s = run.stopper();
        if (s != null) {
            run.stopping = java.util.concurrent.CompletableFuture.runAsync(() -> s.stop(grace), threads);
        }
    }

    void ended(ActiveRun run, Path runDir) {
        tokens.remove(run.token);
        if (run.fenced || run.finalSeq == 0) {
            runs.remove(run.id());
        }
        RunFiles files = run.files;
        if (files != null) {
            files.close();
        }
        deleteQuietly(runDir);
        processes.decrementAndGet();
        context.releaseSlots().accept(1);
        context.listener().ended(run.id());
    }

    Future<?> pump(Runnable pump) {
        return threads.submit(pump);
    }

    RunEnvironment environment() {
        return environment;
    }

    /** Deployments' code fetched by this agent, one directory per version (docs/code-delivery.md). */
    io.flowplane.agent.source.CodeCache code() {
        return code;
    }

    Reporter reporter() {
        return context.reporter();
    }

    /** See {@link LeaseKeeper#fenceGrace()}. */
    Duration fenceGrace() {
        return leases.fenceGrace();
    }

    Settings settings() {
        return context.settings();
    }

    LeaseKeeper leaseKeeper() {
        return leases;
    }

    Watchdog watchdog() {
        return watchdog;
    }

    Listener listener() {
        return context.listener();
    }

    Clock clock() {
        return context.clock();
    }

    String agentName() {
        return context.agentName();
    }

    String relayEndpoint() {
        return context.relayEndpoint().get();
    }

    public void close() {
        threads.shutdown();
    }

    private static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
