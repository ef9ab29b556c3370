package io.flowplane.controlplane.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.flowplane.controlplane.state.Actor.AGENT;
import static io.flowplane.controlplane.state.Actor.CLAIM;
import static io.flowplane.controlplane.state.Actor.SERVER;
import static io.flowplane.controlplane.state.Actor.USER;
import static io.flowplane.controlplane.state.StateType.CANCELLED;
import static io.flowplane.controlplane.state.StateType.CANCELLING;
import static io.flowplane.controlplane.state.StateType.COMPLETED;
import static io.flowplane.controlplane.state.StateType.CRASHED;
import static io.flowplane.controlplane.state.StateType.FAILED;
import static io.flowplane.controlplane.state.StateType.PAUSED;
import static io.flowplane.controlplane.state.StateType.PENDING;
import static io.flowplane.controlplane.state.StateType.RUNNING;
import static io.flowplane.controlplane.state.StateType.SCHEDULED;

/**
 * The one table of allowed flow-run transitions and who may make them. Every write of a run's
 * state asks this class first; anything not in the table is refused.
 */
public final class RunStateMachine {

    /** One row of the table: from → to, by these actors. */
    public record Transition(StateType from, StateType to, Set<Actor> actors) {
    }

    private static final Map<StateType, Map<StateType, Set<Actor>>> TABLE = new EnumMap<>(StateType.class);

    static {
        // Only a claim starts a scheduled run; a user may cancel it before it starts.
        allow(SCHEDULED, PENDING, CLAIM);
        allow(SCHEDULED, CANCELLED, USER, SERVER);
        // The agent starts the process, fails to start it, or hands the claim back on shutdown.
        allow(PENDING, RUNNING, AGENT);
        allow(PENDING, FAILED, AGENT);
        allow(PENDING, CRASHED, AGENT, SERVER);
        allow(PENDING, SCHEDULED, AGENT);
        allow(PENDING, CANCELLING, USER);
        allow(RUNNING, COMPLETED, AGENT);
        allow(RUNNING, FAILED, AGENT);
        allow(RUNNING, CRASHED, AGENT, SERVER);
        allow(RUNNING, PAUSED, AGENT);
        allow(RUNNING, CANCELLING, USER);
        allow(PAUSED, RUNNING, AGENT);
        allow(PAUSED, CRASHED, AGENT, SERVER);
        allow(PAUSED, CANCELLING, USER);
        // A cancelling run only ends cancelled: by the agent, or forced by the server.
        allow(CANCELLING, CANCELLED, AGENT, SERVER);
        // Retries: automatic (server, retries left) or by hand (user). Completed runs stay done.
        allow(FAILED, SCHEDULED, SERVER, USER);
        allow(CRASHED, SCHEDULED, SERVER, USER);
        allow(CANCELLED, SCHEDULED, USER);
    }

    private RunStateMachine() {
    }

    private static void allow(StateType from, StateType to, Actor... actors) {
        TABLE.computeIfAbsent(from, f -> new EnumMap<>(StateType.class))
                .put(to, Collections.unmodifiableSet(EnumSet.of(actors[0], actors)));
    }

    public static boolean allows(StateType from, StateType to, Actor actor) {
        return TABLE.getOrDefault(from, Map.of()).getOrDefault(to, Set.of()).contains(actor);
    }

    /** Throws {@link IllegalTransitionException} unless the table allows it. */
    public static void check(StateType from, StateType to, Actor actor) {
        if (!allows(from, to, actor)) {
            throw new IllegalTransitionException(from, to, actor);
        }
    }

    /**
     * The one state a claim moves runs out of (into PENDING): the claim statement guards on it,
     * so the table, not the statement, decides what can be claimed.
     */
    public static StateType claimableFrom() {
        return CLAIMABLE_FROM;
    }

    private static final StateType CLAIMABLE_FROM = onlySourceOf(PENDING, CLAIM);

    private static StateType onlySourceOf(StateType to, Actor actor) {
        java.util.List<StateType> from = TABLE.keySet().stream().filter(f -> allows(f, to, actor)).toList();
        if (from.size() != 1) {
            throw new IllegalStateException(actor + " must reach " + to + " from exactly one state, not " + from);
        }
        return from.get(0);
    }

    /** Every row of the table, for tests and documentation. */
    public static Set<Transition> transitions() {
        Set<Transition> all = new java.util.LinkedHashSet<>();
        TABLE.forEach((from, tos) -> tos.forEach((to, actors) -> all.add(new Transition(from, to, actors))));
        return all;
    }
}
