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
 * The runs this agent holds. Starts a {@link FlowProcess} per claimed run, and applies what the
 * control plane says about them: cancel (terminate, report CANCELLED), lost or stale lease
 * (terminate, report nothing more). Lists the leases heartbeats extend, until each run's final
 * event is acknowledged.
 */
public final class RunSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(RunSupervisor.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where runs get their directories, how long a process gets to stop, output limits. */
    public record Settings(Path runsDir, Duration killGrace, Duration drainTimeout, int maxLineBytes) {
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
        Executor PROCESS = FlowProcess::new;

        Runnable execution(ActiveRun run, RunSupervisor supervisor, Path runDir);
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
    private volatile Executor executor = Executor.PROCESS;

    public RunSupervisor(Context context) {
        this.context = context;
        this.environment = new RunEnvironment(context.environment().agentEnvironment(), context.environment().secrets());
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "flowplane-run-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a claimed run; the caller reserved a slot for it, released when the run ends. */
    public void launch(ClaimedRun claim) {
        ActiveRun run = new ActiveRun(claim, newToken());
        runs.put(run.id(), run);
        tokens.put(run.token, run);
        processes.incrementAndGet();
        threads.execute(executor.execution(run, this, context.settings().runsDir().resolve(run.id())));
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
        Process p = run.process;
        if (p != null) {
            run.stopping = java.util.concurrent.CompletableFuture.runAsync(
                    () -> ProcessTree.terminate(p.toHandle(), context.settings().killGrace()), threads);
        }
    }

    void ended(ActiveRun run, Path runDir) {
        tokens.remove(run.token);
        if (run.fenced || run.finalSeq == 0) {
            runs.remove(run.id());
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

    Reporter reporter() {
        return context.reporter();
    }

    Settings settings() {
        return context.settings();
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
