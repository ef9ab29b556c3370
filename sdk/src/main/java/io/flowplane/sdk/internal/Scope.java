package io.flowplane.sdk.internal;

import java.util.UUID;

/**
 * What the current thread is doing: which engine, which flow run, and which task run (null: the
 * flow's own code). Set around flow and task bodies; read by tasks, artifacts and log capture.
 */
public record Scope(Engine engine, RunContext run, TaskRunRecord task) {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    /** Null outside any flow run. */
    public static Scope current() {
        return CURRENT.get();
    }

    /** Makes {@code next} current and returns what was current, for {@link #restore}. */
    static Scope enter(Scope next) {
        Scope previous = CURRENT.get();
        CURRENT.set(next);
        return previous;
    }

    static void restore(Scope previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    public UUID taskRunId() {
        return task == null ? null : task.id();
    }
}
