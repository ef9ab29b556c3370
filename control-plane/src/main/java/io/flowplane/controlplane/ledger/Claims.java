package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.RunStateMachine;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.RunRows;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The write half of a claim: the dispatcher chooses due runs within every limit (holding the
 * pool's lock), and this moves them SCHEDULED → PENDING for their agent — one statement per
 * agent that starts a new lease epoch and expiry, and one batch of PENDING history rows.
 */
public final class Claims {
    private final Store store;
    private final Clock clock;
    private final SignalHooks hooks;
    private final Leases leases;
    private final java.util.function.Supplier<io.flowplane.controlplane.eventlog.EventSink> events;

    Claims(Store store, Clock clock, SignalHooks hooks, Leases leases,
           java.util.function.Supplier<io.flowplane.controlplane.eventlog.EventSink> events) {
        this.store = store;
        this.clock = clock;
        this.hooks = hooks;
        this.leases = leases;
        this.events = events;
    }

    /**
     * Claims the chosen runs for their agents inside the caller's unit of work. Returns the runs it
     * moved, by id; a run that left SCHEDULED since it was chosen (a user cancelled it) is not.
     */
    public Map<UUID, FlowRun> claim(UnitOfWork unit, Map<String, List<UUID>> idsByAgent) {
        Instant now = clock.instant();
        Instant expires = leases.expiryFrom(now);
        // The statement moves runs out of the one state the table lets a claim start from.
        StateType from = RunStateMachine.claimableFrom();
        Map<UUID, FlowRun> moved = new HashMap<>();
        idsByAgent.forEach((agent, ids) -> store.claimDao().claim(unit.handle(), ids, agent, now, expires)
                .forEach(r -> moved.put(r.id(), r)));
        if (moved.isEmpty()) {
            return moved;
        }
        List<RunStateRecord> records = new ArrayList<>(moved.size());
        SignalHooks.Pending pending = hooks.in(unit);
        for (FlowRun r : moved.values()) {
            RunStateMachine.check(from, r.state().type(), Actor.CLAIM);
            AppliedTransitions.applied(from, r.state().type(), Actor.CLAIM);
            records.add(new RunStateRecord(null, r.id(), r.state().type(), r.state().name(), null, Actor.CLAIM,
                    r.attempt(), now, null, null));
            pending.runUpdated(r.id());
        }
        RunRows.insertStates(unit.handle(), records);
        events.get().runStates(unit, records);
        return moved;
    }
}
