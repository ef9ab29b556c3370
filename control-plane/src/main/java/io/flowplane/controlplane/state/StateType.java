package io.flowplane.controlplane.state;

/** The type of a flow run's state. The last four are terminal. */
public enum StateType {
    SCHEDULED, PENDING, RUNNING, PAUSED, CANCELLING, COMPLETED, FAILED, CANCELLED, CRASHED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == CRASHED;
    }

    /** Holds a concurrency slot: claimed by an agent and not yet finished. */
    public boolean isActive() {
        return this == PENDING || this == RUNNING || this == PAUSED || this == CANCELLING;
    }

    /** The default display name of a state of this type ("RUNNING" → "Running"). */
    public String defaultName() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
