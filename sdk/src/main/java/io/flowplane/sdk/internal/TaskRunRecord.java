package io.flowplane.sdk.internal;

import io.flowplane.sdk.State;
import io.flowplane.sdk.TaskRunResult;
import io.flowplane.sdk.results.ResultRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One task run as it happens. Written by the thread running it; read after it ends. */
public final class TaskRunRecord {
    private final UUID id = Ids.random();
    private final String taskKey;
    private final String name;
    private final List<String> tags;
    private final List<Instant> attemptStarts = new ArrayList<>(1);
    private volatile State state = State.RUNNING;
    private String cacheKey;
    private ResultRef resultRef;
    private Object value;
    private String message;

    TaskRunRecord(String taskKey, String name, List<String> tags) {
        this.taskKey = taskKey;
        this.name = name;
        this.tags = tags;
    }

    public UUID id() {
        return id;
    }

    String name() {
        return name;
    }

    synchronized int startAttempt(Instant at, State running) {
        attemptStarts.add(at);
        state = running;
        return attemptStarts.size();
    }

    synchronized void state(State next, String why) {
        state = next;
        message = why;
    }

    synchronized void cacheKey(String key) {
        cacheKey = key;
    }

    synchronized void completed(State done, ResultRef ref, Object result) {
        state = done;
        resultRef = ref;
        value = result;
        message = null;
    }

    /** What the reporter sends: an immutable snapshot, safe to hand to another thread. */
    synchronized TaskReport report() {
        return new TaskReport(id, taskKey, name, state, message, cacheKey,
                resultRef == null ? null : resultRef.uri(), resultRef == null ? null : resultRef.hash(),
                Math.max(1, attemptStarts.size()), tags);
    }

    synchronized TaskRunResult result() {
        return new TaskRunResult(id, taskKey, name, state, List.copyOf(attemptStarts), cacheKey, resultRef, value,
                message, tags);
    }
}
