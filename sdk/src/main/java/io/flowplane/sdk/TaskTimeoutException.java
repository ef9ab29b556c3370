package io.flowplane.sdk;

import java.time.Duration;

/** An attempt ran longer than its task's timeout; the task run ends FAILED/TimedOut unless retried. */
public class TaskTimeoutException extends RuntimeException {
    public TaskTimeoutException(String taskRunName, Duration timeout) {
        super("task run " + taskRunName + " timed out after " + timeout.toMillis() + " ms");
    }
}
