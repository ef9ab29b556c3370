package io.flowplane.controlplane.state;

/** Who asks for a transition. The state machine allows each transition only to some actors. */
public enum Actor {
    /** The claim statement, on behalf of a polling agent. */
    CLAIM,
    /** The agent (or the SDK through it) reporting on a run it holds. */
    AGENT,
    /** A user through the REST API or CLI. */
    USER,
    /** The control plane itself: the reaper and the retry rule. */
    SERVER
}
