package io.flowplane.sdk.internal;

import io.flowplane.sdk.ArtifactEntry;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.LogEntry;
import io.flowplane.sdk.TaskRunResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** One flow run in this process: what it recorded, where it reports, and its open futures. */
public final class RunContext {
    /** Lines kept in memory for the result and the summary; reporting is not capped here. */
    private static final int MAX_KEPT_LOGS = 10_000;

    private final String name;
    private final String flowName;
    private final String taskNamePrefix;
    private final RemoteRun remote;
    private final TagLimits tagLimits;
    private final Reporting reporting;
    private final java.time.Clock clock;
    private final Queue<TaskRunRecord> tasks = new ConcurrentLinkedQueue<>();
    private final Queue<CompletableFuture<?>> submitted = new ConcurrentLinkedQueue<>();
    private final Queue<FlowRunResult<?>> subflows = new ConcurrentLinkedQueue<>();
    private final Queue<LogEntry> logs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger keptLogs = new AtomicInteger();
    private final Queue<ArtifactEntry> artifacts = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    /** {@code taskNamePrefix}: "" for a run of its own; for a subflow sharing its parent's run, its stand-in's name. */
    RunContext(String name, String flowName, String taskNamePrefix, RemoteRun remote, TagLimits tagLimits,
               Reporting reporting, java.time.Clock clock) {
        this.name = name;
        this.flowName = flowName;
        this.taskNamePrefix = taskNamePrefix;
        this.remote = remote;
        this.tagLimits = tagLimits;
        this.reporting = reporting;
        this.clock = clock;
    }

    public UUID id() {
        return remote.id();
    }

    String name() {
        return name;
    }

    String flowName() {
        return flowName;
    }

    RemoteRun remote() {
        return remote;
    }

    TagLimits tagLimits() {
        return tagLimits;
    }

    /** A new task run named after its task and a per-run counter ("parse-3"). */
    TaskRunRecord newTaskRun(String taskKey, List<String> tags) {
        int n = counters.computeIfAbsent(taskKey, k -> new AtomicInteger()).incrementAndGet();
        TaskRunRecord record = new TaskRunRecord(taskKey, taskNamePrefix + taskKey + "-" + n, tags);
        tasks.add(record);
        return record;
    }

    void report(TaskRunRecord task) {
        reporting.task(remote, task.report());
    }

    void submitted(CompletableFuture<?> future) {
        submitted.add(future);
    }

    /** Waits for every submitted task run; returns how many failed. */
    int awaitSubmitted() {
        int failed = 0;
        CompletableFuture<?> f;
        while ((f = submitted.poll()) != null) {
            try {
                f.join();
            } catch (RuntimeException e) {
                failed++;
            }
        }
        return failed;
    }

    void subflow(FlowRunResult<?> child) {
        subflows.add(child);
    }

    /** A captured line: kept (up to a cap) and reported. */
    public void log(UUID taskRunId, LogEntry.Stream stream, String level, String message) {
        LogEntry entry = new LogEntry(taskRunId, clock.instant(), stream, level, message);
        if (keptLogs.incrementAndGet() <= MAX_KEPT_LOGS) {
            logs.add(entry);
        }
        reporting.log(remote, entry);
    }

    public void artifact(ArtifactEntry artifact) {
        artifacts.add(artifact);
        reporting.artifact(remote, artifact);
    }

    List<TaskRunResult> taskResults() {
        List<TaskRunResult> out = new ArrayList<>(tasks.size());
        tasks.forEach(t -> out.add(t.result()));
        return out;
    }

    List<FlowRunResult<?>> subflowResults() {
        return List.copyOf(subflows);
    }

    List<LogEntry> logs() {
        return List.copyOf(logs);
    }

    List<ArtifactEntry> artifacts() {
        return List.copyOf(artifacts);
    }
}
