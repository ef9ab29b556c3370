package io.flowplane.sdk;

/** A state type refined by a display name (Cached is COMPLETED, TimedOut is FAILED, ...). */
public record State(StateType type, String name) {
    public static final State RUNNING = new State(StateType.RUNNING, "Running");
    public static final State RETRYING = new State(StateType.RUNNING, "Retrying");
    public static final State COMPLETED = new State(StateType.COMPLETED, "Completed");
    public static final State CACHED = new State(StateType.COMPLETED, "Cached");
    public static final State FAILED = new State(StateType.FAILED, "Failed");
    public static final State TIMED_OUT = new State(StateType.FAILED, "TimedOut");
    public static final State CRASHED = new State(StateType.CRASHED, "Crashed");

    public boolean isCompleted() {
        return type == StateType.COMPLETED;
    }

    @Override
    public String toString() {
        return name;
    }
}
