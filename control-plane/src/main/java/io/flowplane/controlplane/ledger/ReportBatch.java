package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.RunRows;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The run side of one batch of agent reports, inside the batch's unit of work: the runs it names
 * are locked once, each reported transition goes through the table (and the retry rule), reports
 * from the holder extend its lease, log lines advance the run's count, and {@link #persist()}
 * writes every changed run in one batched statement. Reports about a run are applied in order,
 * each seeing the run as the previous left it.
 */
public final class ReportBatch {
    private final UnitOfWork unit;
    private final Instant now;
    private final Leases leases;
    private final RetryPolicies retries;
    private final SignalHooks.Pending signals;
    private final io.flowplane.controlplane.eventlog.EventSink events;
    private final Map<UUID, FlowRun> runs = new HashMap<>();
    private final Map<UUID, FlowRun> dirty = new LinkedHashMap<>();
    private final List<RunStateRecord> states = new ArrayList<>();
    /** "runId|key" of every idempotency key stored for the batch's runs, and those applied in this batch. */
    private final Set<String> keysSeen = new HashSet<>();
    private final Set<UUID> freedPools = new HashSet<>();

    ReportBatch(UnitOfWork unit, Instant now, Leases leases, RetryPolicies retries, SignalHooks.Pending signals,
                io.flowplane.controlplane.eventlog.EventSink events) {
        this.events = events;
        this.unit = unit;
        this.now = now;
        this.leases = leases;
        this.retries = retries;
        this.signals = signals;
    }

    void lock(Collection<UUID> runIds, Collection<UUID> withKeys) {
        FlowRunDao.lockAllOn(unit.handle(), new TreeSet<>(runIds)).forEach(r -> runs.put(r.id(), r));
        // The runs are locked: no key can be added meanwhile.
        keysSeen.addAll(FlowRunDao.idempotencyKeysOn(unit.handle(), withKeys.stream().filter(runs::containsKey).toList()));
    }

    /** The run as the reports so far left it, or null if there is no such run. */
    public FlowRun run(UUID id) {
        return runs.get(id);
    }

    /**
     * Applies a transition the run's holder reported. Returns false if a report with the same
     * idempotency key was already applied (then nothing changes).
     *
     * @throws io.flowplane.controlplane.state.IllegalTransitionException if the table forbids it
     * @throws IllegalArgumentException if the state name does not belong to the type
     */
    public boolean state(FlowRun run, StateChange change) {
        if (change.idempotencyKey() != null && !keysSeen.add(run.id() + "|" + change.idempotencyKey())) {
            return false;
        }
        RunTransitions.Outcome outcome = RunTransitions.apply(run, change, retries.of(run), now);
        RunLedger.observe(run, outcome.records());
        states.addAll(outcome.records());
        FlowRun after = outcome.run();
        if (after.state().type().isActive()) {
            after = after.toBuilder().leaseExpiresAt(leases.expiryFrom(now)).build();
        } else if (after.placement().poolId() != null) {
            // A run started by hand (POST /flow-runs) holds no pool slot.
            freedPools.add(after.placement().poolId());
        }
        put(after);
        return true;
    }

    /** A heartbeat or any other sign of life from the holder: the lease of an active run is extended. */
    public void heartbeat(FlowRun run) {
        if (run.state().type().isActive()) {
            put(run.toBuilder().leaseExpiresAt(leases.expiryFrom(now)).build());
        }
    }

    /** The run has stored {@code count} log lines in all. */
    public void logCount(FlowRun run, long count) {
        if (count != run.logCount()) {
            put(run.toBuilder().logCount(count).build());
        }
    }

    /** The terminal states this batch wrote (for the per-outcome meters). */
    public List<StateType> ended() {
        return states.stream().map(RunStateRecord::stateType).filter(StateType::isTerminal).toList();
    }

    /** Writes the changed runs and their history; their watchers and freed pools are signalled after commit. */
    public void persist() {
        if (!dirty.isEmpty()) {
            RunRows.updateRuns(unit.handle(), dirty.values());
        }
        if (!states.isEmpty()) {
            RunRows.insertStates(unit.handle(), states);
            events.runStates(unit, states);
        }
        dirty.keySet().forEach(signals::runUpdated);
        freedPools.forEach(signals::poolChanged);
    }

    private void put(FlowRun run) {
        runs.put(run.id(), run);
        dirty.put(run.id(), run);
    }
}
