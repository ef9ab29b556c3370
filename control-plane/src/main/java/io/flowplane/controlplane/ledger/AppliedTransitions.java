package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;

/**
 * Where the ledger reports every state-type transition it writes (claims included), so a test
 * run can check which rows of the state machine's table the real code paths exercised and that
 * nothing outside the table was ever written, and where the metrics count transitions by
 * type. Listeners see a transition when it is written, before its unit of work commits: a
 * rolled-back claim is counted (rare: the claim guards its state in the statement).
 */
public final class AppliedTransitions {

    /** Sees each transition written; must be thread-safe and quick. */
    public interface Observer {
        void applied(StateType from, StateType to, Actor actor);
    }

    private static volatile Observer observer;
    private static final java.util.Set<Observer> listeners = new java.util.concurrent.CopyOnWriteArraySet<>();

    private AppliedTransitions() {
    }

    /** Installs the observer (null removes it). */
    public static void observe(Observer o) {
        observer = o;
    }

    /** Adds a listener beside the test observer (the metrics of a running application). */
    public static void listen(Observer o) {
        listeners.add(o);
    }

    public static void unlisten(Observer o) {
        listeners.remove(o);
    }

    static void applied(StateType from, StateType to, Actor actor) {
        for (Observer l : listeners) {
            l.applied(from, to, actor);
        }
        Observer o = observer;
        if (o != null) {
            o.applied(from, to, actor);
        }
    }
}
