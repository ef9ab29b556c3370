package io.flowplane.sdk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The pending result of a submitted task run. Waiting on a run that has not started yet runs it
 * on the waiting thread, so tasks that submit and wait for other tasks cannot starve a bounded
 * pool.
 */
public final class TaskFuture<R> {
    private final String taskRunName;
    private final CompletableFuture<R> future;
    private final Runnable runIfNotStarted;

    /** Created by the engine: {@code runIfNotStarted} runs the task here if no worker has taken it. */
    public TaskFuture(String taskRunName, CompletableFuture<R> future, Runnable runIfNotStarted) {
        this.taskRunName = taskRunName;
        this.future = future;
        this.runIfNotStarted = runIfNotStarted;
    }

    static <R> TaskFuture<R> completed(String name, Supplier<R> body) {
        CompletableFuture<R> f = new CompletableFuture<>();
        try {
            f.complete(body.get());
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return new TaskFuture<>(name, f, () -> { });
    }

    /** Waits for the result; a failed task run throws {@link TaskFailedException}. */
    public R get() {
        if (!future.isDone()) {
            runIfNotStarted.run();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for " + taskRunName);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new TaskFailedException(taskRunName, cause);
        }
    }

    public boolean isDone() {
        return future.isDone();
    }

    /** Done and failed. */
    public boolean isFailed() {
        return future.isCompletedExceptionally();
    }

    public String taskRunName() {
        return taskRunName;
    }

    /** A view for composing with other futures; completes when the task run ends. */
    public CompletableFuture<R> toCompletableFuture() {
        return future.thenApply(r -> r);
    }

    /** Waits for every future and returns the results in order; the first failure (in order) is thrown. */
    public static <R> List<R> waitAll(Collection<TaskFuture<R>> futures) {
        List<R> results = new ArrayList<>(futures.size());
        RuntimeException first = null;
        for (TaskFuture<R> f : futures) {
            try {
                results.add(f.get());
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
                results.add(null);
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    /** Waits until one of the futures is done (completed or failed) and returns it. */
    public static <R> TaskFuture<R> waitAny(Collection<TaskFuture<R>> futures) {
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("nothing to wait for");
        }
        CompletableFuture<?>[] all = futures.stream().map(f -> f.future).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(all).join();
        } catch (CompletionException | CancellationException ignored) {
            // One of them failed: that one is done, found below.
        }
        for (TaskFuture<R> f : futures) {
            if (f.isDone()) {
                return f;
            }
        }
        throw new IllegalStateException("anyOf completed but no future is done");
    }
}
