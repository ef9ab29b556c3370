package io.flowplane.controlplane.state;

/** A transition the state machine does not allow: the request is refused, nothing is written. */
public final class IllegalTransitionException extends RuntimeException {
    private final StateType from;
    private final StateType to;

    public IllegalTransitionException(StateType from, StateType to, Actor actor) {
        super("transition " + from + " -> " + to + " is not allowed for " + actor.name().toLowerCase(java.util.Locale.ROOT));
        this.from = from;
        this.to = to;
    }

    public StateType from() {
        return from;
    }

    public StateType to() {
        return to;
    }
}
