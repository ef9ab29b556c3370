package io.flowplane.sdk;

import io.flowplane.sdk.results.ResultRef;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * How a flow run ended, with everything it recorded: task runs (in creation order), subflow runs,
 * captured logs and artifacts. The result value is only ever held here, in the process.
 */
public record FlowRunResult<R>(UUID id, String name, String flowName, State state, R result, ResultRef resultRef,
                               Throwable error, Duration duration, List<TaskRunResult> taskRuns,
                               List<FlowRunResult<?>> subflowRuns, List<LogEntry> logs,
                               List<ArtifactEntry> artifacts) {

    public boolean isCompleted() {
        return state.isCompleted();
    }

    /** The result, or a {@link FlowFailedException} if the run did not complete. */
    public R resultOrThrow() {
        if (!isCompleted()) {
            throw new FlowFailedException(name, state, error);
        }
        return result;
    }

    /** Task runs of one task (by its name), in creation order. */
    public List<TaskRunResult> taskRuns(String taskName) {
        return taskRuns.stream().filter(t -> t.taskKey().equals(taskName)).toList();
    }

    /** The only task run of a task; fails if there is not exactly one. */
    public TaskRunResult taskRun(String taskName) {
        List<TaskRunResult> runs = taskRuns(taskName);
        if (runs.size() != 1) {
            throw new IllegalStateException(runs.size() + " task runs of '" + taskName + "', expected one");
        }
        return runs.get(0);
    }

    /** Log lines attributed to a task run. */
    public List<LogEntry> logsOf(TaskRunResult taskRun) {
        return logs.stream().filter(l -> taskRun.id().equals(l.taskRunId())).toList();
    }
}
