package io.flowplane.sdk;

import io.flowplane.sdk.internal.Scope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A unit of work inside a flow: a named, typed function with retries, a timeout, caching and
 * tags. Inside a flow run, {@link #call} records a task run (state, attempts, result reference);
 * outside one it is a plain function call, so unit tests can call it directly. Immutable: the
 * {@code with…}-style methods return a configured copy.
 */
public final class Task<I, R> {
    private final String name;
    private final TaskFunction<I, R> function;
    private final RetryPolicy retryPolicy;
    private final Duration timeout;
    private final CachePolicy<I, R> cachePolicy;
    private final List<String> tags;
    private final boolean persistResult;

    private Task(String name, TaskFunction<I, R> function, RetryPolicy retryPolicy, Duration timeout,
                 CachePolicy<I, R> cachePolicy, List<String> tags, boolean persistResult) {
        this.name = name;
        this.function = function;
        this.retryPolicy = retryPolicy;
        this.timeout = timeout;
        this.cachePolicy = cachePolicy;
        this.tags = tags;
        this.persistResult = persistResult;
    }

    public static <I, R> Task<I, R> of(String name, TaskFunction<I, R> function) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("a task needs a name of 1-200 characters");
        }
        return new Task<>(name, Objects.requireNonNull(function), RetryPolicy.NONE, null, null, List.of(), true);
    }

    /** A task without input; call it with {@link #call()}. */
    public static <R> Task<Void, R> supplier(String name, Callable<R> function) {
        Objects.requireNonNull(function);
        return of(name, ignored -> function.call());
    }

    public Task<I, R> retries(RetryPolicy policy) {
        return new Task<>(name, function, Objects.requireNonNull(policy), timeout, cachePolicy, tags, persistResult);
    }

    /** {@code n} retries without delay. */
    public Task<I, R> retries(int n) {
        return retries(RetryPolicy.fixed(n, Duration.ZERO));
    }

    /** An attempt running longer fails with {@link TaskTimeoutException} (state TimedOut; retried like any failure). */
    public Task<I, R> timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return new Task<>(name, function, retryPolicy, timeout, cachePolicy, tags, persistResult);
    }

    public Task<I, R> cache(CachePolicy<I, R> policy) {
        return new Task<>(name, function, retryPolicy, timeout, Objects.requireNonNull(policy), tags, persistResult);
    }

    /** Tags label task runs; a runner's tag limits cap how many runs with a tag execute at once. */
    public Task<I, R> tags(String... tags) {
        return new Task<>(name, function, retryPolicy, timeout, cachePolicy, List.of(tags), persistResult);
    }

    /** Whether the return value is written to the result store (default true; a cached task always writes it). */
    public Task<I, R> persistResult(boolean persist) {
        return new Task<>(name, function, retryPolicy, timeout, cachePolicy, tags, persist);
    }

    /** Runs the task and returns its result; inside a flow run as a recorded task run. */
    public R call(I input) {
        Scope scope = Scope.current();
        if (scope == null) {
            return callPlain(input);
        }
        return scope.engine().runTask(scope, this, input);
    }

    public R call() {
        return call(null);
    }

    /** Starts the task on the runner's thread pool; inside no flow run, runs it now. */
    public TaskFuture<R> submit(I input) {
        Scope scope = Scope.current();
        if (scope == null) {
            return TaskFuture.completed(name, () -> callPlain(input));
        }
        return scope.engine().submit(scope, this, input);
    }

    /** One task run per input, concurrently; waits for all and returns results in input order. */
    public List<R> map(Collection<? extends I> inputs) {
        return TaskFuture.waitAll(mapSubmit(inputs));
    }

    /** One task run per input, concurrently; returns the futures in input order. */
    public List<TaskFuture<R>> mapSubmit(Collection<? extends I> inputs) {
        List<TaskFuture<R>> futures = new ArrayList<>(inputs.size());
        for (I input : inputs) {
            futures.add(submit(input));
        }
        return futures;
    }

    private R callPlain(I input) {
        try {
            return function.apply(input);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException(name, e);
        }
    }

    public String name() {
        return name;
    }

    public TaskFunction<I, R> function() {
        return function;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Null: no timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** Null: not cached. */
    public CachePolicy<I, R> cachePolicy() {
        return cachePolicy;
    }

    public List<String> tags() {
        return tags;
    }

    public boolean persistsResult() {
        return persistResult || cachePolicy != null;
    }

    @Override
    public String toString() {
        return "Task[" + name + "]";
    }
}
