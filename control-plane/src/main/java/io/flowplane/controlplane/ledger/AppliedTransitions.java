package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;

/**
 * Where the ledger reports every state-type transition it writes (claims included), so a test
 * run can check which rows of the state machine's table the real code paths exercised and that
 * nothing outside the table was ever written. Nothing observes in production: the cost is one
 * volatile read per transition.
 */
public final class AppliedTransitions {

    /** Sees each transition written; must be thread-safe and quick. */
    public interface Observer {
        void applied(StateType from, StateType to, Actor actor);
    }

    private static volatile Observer observer;

    private AppliedTransitions() {
    }

    /** Installs the observer (null removes it). */
    public static void observe(Observer o) {
        observer = o;
    }

    static void applied(StateType from, StateType to, Actor actor) {
        Observer o = observer;
        if (o != null) {
            o.applied(from, to, actor);
        }
    }
}
