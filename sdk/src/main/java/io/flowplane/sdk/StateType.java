package io.flowplane.sdk;

/** The type of a flow or task run's state; the last four are terminal. Mirrors the wire contract. */
public enum StateType {
    SCHEDULED, PENDING, RUNNING, PAUSED, CANCELLING, COMPLETED, FAILED, CANCELLED, CRASHED;

    public boolean isTerminal() {
        return ordinal() >= COMPLETED.ordinal();
    }
}
