package io.flowplane.sdk;

/** A flow run (or subflow run) did not complete; thrown where its caller waits for the result. */
public class FlowFailedException extends RuntimeException {
    private final State state;

    public FlowFailedException(String flowRunName, State state, Throwable cause) {
        super("flow run " + flowRunName + " ended " + state + (cause == null ? "" : ": " + cause), cause);
        this.state = state;
    }

    public State state() {
        return state;
    }
}
