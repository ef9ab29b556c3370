package io.flowplane.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.sdk.CachePolicy;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowFailedException;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.State;
import io.flowplane.sdk.StateType;
import io.flowplane.sdk.Task;
import io.flowplane.sdk.TaskFailedException;
import io.flowplane.sdk.TaskFuture;
import io.flowplane.sdk.TaskTimeoutException;
import io.flowplane.sdk.results.ResultRef;
import io.flowplane.sdk.results.ResultStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs flows and tasks in this process: the task path (cache, tag slots, attempts with retries
 * and timeouts, result storage), submission to a bounded pool, and subflows.
 */
public final class Engine implements AutoCloseable {
    private final EngineConfig config;
    private final ThreadPoolExecutor pool;
    private final Timeouts timeouts = new Timeouts();

    public Engine(EngineConfig config) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.threads(), config.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "flowplane-task-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        if (config.captureLogs()) {
            LogCapture.install();
        }
    }

    public EngineConfig config() {
        return config;
    }

    /** Runs a top-level flow run to its end; never throws for the flow's own failures. */
    public <P, R> FlowRunResult<R> runRoot(Flow<P, R> flow, P parameters, String runName) {
        RemoteRun remote = config.reporting().openRoot(flow.name(), parametersJson(parameters));
        TagLimits limits = new TagLimits(config.tagLimits());
        RunContext run = new RunContext(runName == null ? flow.name() : runName, flow.name(), "", remote, limits,
                config.reporting(), config.clock());
        FlowRunResult<R> result = execute(run, flow, parameters);
        if (!remote.shared()) {
            config.reporting().flowState(remote, result.state(),
                    result.error() == null ? null : String.valueOf(result.error()));
        }
        return result;
    }

    /** A flow called inside a flow run: a child run, and a task run in the parent that stands for it. */
    public <P, R> R runSubflow(Scope parent, Flow<P, R> flow, P parameters) {
        RunContext parentRun = parent.run();
        TaskRunRecord standIn = parentRun.newTaskRun("subflow:" + flow.name(), List.of());
        standIn.startAttempt(config.clock().instant(), State.RUNNING);
        parentRun.report(standIn);
        RemoteRun remote;
        try {
            remote = config.reporting().openChild(parentRun.remote(), flow.name(), parametersJson(parameters));
        } catch (RuntimeException e) {
            standIn.state(State.FAILED, "could not start the child run: " + e);
            parentRun.report(standIn);
            throw e;
        }
        // Sharing the parent's run (under an agent), the child's task runs are named under the stand-in.
        String prefix = remote.shared() ? standIn.name() + "/" : "";
        RunContext child = new RunContext(flow.name() + " (subflow of " + parentRun.name() + ")", flow.name(), prefix,
                remote, parentRun.tagLimits(), config.reporting(), config.clock());
        FlowRunResult<R> result = execute(child, flow, parameters);
        parentRun.subflow(result);
        if (!remote.shared()) {
            config.reporting().flowState(remote, result.state(),
                    result.error() == null ? null : String.valueOf(result.error()));
        }
        if (result.isCompleted()) {
            standIn.completed(State.COMPLETED, result.resultRef(), result.result());
            parentRun.report(standIn);
            return result.result();
        }
        standIn.state(result.state(), "child run " + remote.id() + ": " + result.error());
        parentRun.report(standIn);
        throw new FlowFailedException(child.name(), result.state(), result.error());
    }

    private <P, R> FlowRunResult<R> execute(RunContext run, Flow<P, R> flow, P parameters) {
        Instant started = config.clock().instant();
        Scope previous = Scope.enter(new Scope(this, run, null));
        R value = null;
        ResultRef ref = null;
        Throwable error = null;
        State state;
        try {
            value = flow.function().apply(parameters);
            int failed = run.awaitSubmitted();
            if (failed > 0) {
                throw new IllegalStateException(failed + " submitted task run(s) failed and were never awaited");
            }
            ref = value == null ? null : store(value);
            state = State.COMPLETED;
        } catch (Throwable t) {
            rethrowIfFatal(t);
            run.awaitSubmitted();
            error = t;
            state = run.remote().lost().get() ? State.CRASHED : State.FAILED;
        } finally {
            Scope.restore(previous);
        }
        Duration took = Duration.between(started, config.clock().instant());
        return new FlowRunResult<>(run.id(), run.name(), flow.name(), state, value, ref, error, took,
                run.taskResults(), run.subflowResults(), run.logs(), run.artifacts());
    }

    /** The task path for {@link Task#call}: runs on the calling thread. */
    public <I, R> R runTask(Scope scope, Task<I, R> task, I input) {
        TaskRunRecord record = scope.run().newTaskRun(task.name(), task.tags());
        return runTask(scope.run(), task, input, record);
    }

    public <I, R> TaskFuture<R> submit(Scope scope, Task<I, R> task, I input) {
        RunContext run = scope.run();
        TaskRunRecord record = run.newTaskRun(task.name(), task.tags());
        CompletableFuture<R> future = new CompletableFuture<>();
        AtomicBoolean taken = new AtomicBoolean();
        Runnable job = () -> {
            if (taken.compareAndSet(false, true)) {
                try {
                    future.complete(runTask(run, task, input, record));
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                }
            }
        };
        run.submitted(future);
        pool.execute(job);
        return new TaskFuture<>(record.name(), future, job);
    }

    private <I, R> R runTask(RunContext run, Task<I, R> task, I input, TaskRunRecord record) {
        if (run.remote().lost().get()) {
            throw new IllegalStateException("the control plane took this run away (stale lease); not starting "
                    + record.name());
        }
        CachePolicy<I, R> cache = task.cachePolicy();
        String cacheKey = null;
        if (cache != null) {
            cacheKey = cacheKey(task, cache, input);
            record.cacheKey(cacheKey);
            Optional<Hit<R>> hit = cached(cache, cacheKey);
            if (hit.isPresent()) {
                record.startAttempt(config.clock().instant(), State.RUNNING);
                record.completed(State.CACHED, hit.get().ref(), hit.get().value());
                run.report(record);
                return hit.get().value();
            }
        }
        List<Semaphore> slots;
        try {
            slots = run.tagLimits().acquire(task.tags());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException(record.name(), e);
        }
        try {
            return attempts(run, task, input, record, cacheKey);
        } finally {
            TagLimits.release(slots);
        }
    }

    private <I, R> R attempts(RunContext run, Task<I, R> task, I input, TaskRunRecord record, String cacheKey) {
        for (int attempt = 1; ; attempt++) {
            record.startAttempt(config.clock().instant(), attempt == 1 ? State.RUNNING : State.RETRYING);
            run.report(record);
            try {
                R value = invoke(run, task, input, record);
                ResultRef ref = task.persistsResult() && value != null ? store(value) : null;
                if (cacheKey != null && ref != null) {
                    config.resultStore().cachePut(cacheKey, new ResultStore.CacheEntry(ref, config.clock().instant()));
                }
                record.completed(State.COMPLETED, ref, value);
                run.report(record);
                return value;
            } catch (Throwable t) {
                rethrowIfFatal(t);
                State failed = t instanceof TaskTimeoutException ? State.TIMED_OUT : State.FAILED;
                if (task.retryPolicy().shouldRetry(t, attempt)) {
                    Duration delay = task.retryPolicy().delayBefore(attempt);
                    record.state(new State(StateType.SCHEDULED, "AwaitingRetry"), failed.name() + ": " + t
                            + "; retry " + attempt + " in " + delay.toMillis() + " ms");
                    run.report(record);
                    sleep(delay, record);
                    continue;
                }
                record.state(failed, String.valueOf(t));
                run.report(record);
                throw t instanceof TaskFailedException f && f.taskRunName().equals(record.name()) ? f
                        : new TaskFailedException(record.name(), t);
            }
        }
    }

    private <I, R> R invoke(RunContext run, Task<I, R> task, I input, TaskRunRecord record) throws Exception {
        Scope previous = Scope.enter(new Scope(this, run, record));
        try {
            if (task.timeout() == null) {
                return task.function().apply(input);
            }
            return timeouts.call(task.function(), input, task.timeout(), record.name());
        } finally {
            Scope.restore(previous);
        }
    }

    private void sleep(Duration delay, TaskRunRecord record) {
        try {
            config.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException(record.name(), e);
        }
    }

    private <I, R> String cacheKey(Task<I, R> task, CachePolicy<I, R> cache, I input) {
        String own = cache.customKey() != null ? cache.customKey().apply(input) : Json.write(input);
        byte[] identity = (task.name() + "\u0000" + own).getBytes(StandardCharsets.UTF_8);
        return task.name() + ":" + io.flowplane.sdk.results.LocalResultStore.hash(identity).substring(7, 39);
    }

    private record Hit<R>(ResultRef ref, R value) {
    }

    @SuppressWarnings("unchecked")
    private <I, R> Optional<Hit<R>> cached(CachePolicy<I, R> cache, String key) {
        Optional<ResultStore.CacheEntry> entry = config.resultStore().cacheGet(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Instant now = config.clock().instant();
        if (cache.expiration() != null && !entry.get().storedAt().plus(cache.expiration()).isAfter(now)) {
            return Optional.empty();
        }
        try {
            ResultRef ref = entry.get().ref();
            return Optional.of(new Hit<>(ref, (R) Json.read(config.resultStore().get(ref), cache.resultType())));
        } catch (RuntimeException e) {
            // Gone or unreadable as this type (the task changed): recompute.
            return Optional.empty();
        }
    }

    private ResultRef store(Object value) {
        return config.resultStore().put(Json.bytes(value));
    }

    /** Runs' parameters are a JSON object: a record maps to one; a bare value is wrapped as {"value": …}. */
    private static JsonNode parametersJson(Object parameters) {
        if (parameters == null) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode tree = Json.MAPPER.valueToTree(parameters);
        return tree.isObject() ? tree : Json.MAPPER.createObjectNode().set("value", tree);
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError e) {
            throw e;
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        timeouts.close();
    }
}
