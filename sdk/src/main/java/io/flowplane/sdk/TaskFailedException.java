package io.flowplane.sdk;

/** A task run ended FAILED after its last attempt; the cause is what the last attempt threw. */
public class TaskFailedException extends RuntimeException {
    private final String taskRunName;

    public TaskFailedException(String taskRunName, Throwable cause) {
        super("task run " + taskRunName + " failed: " + cause, cause);
        this.taskRunName = taskRunName;
    }

    public String taskRunName() {
        return taskRunName;
    }
}
