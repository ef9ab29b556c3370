package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.eventlog.EventSink;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.RetryPolicy;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.RunRows;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The only writer of flow runs and their state history. Creation, user and server transitions,
 * agent reports ({@link ReportBatch}), claims ({@link #claims()}), leases ({@link #leases()}) and
 * the scheduler's own changes (Late, backfill release) all go through it; each change locks what
 * it changes, asks the state machine about the transition it actually writes, appends the
 * history rows and registers the signals it implies with its unit of work, which sends them
 * after the commit. Methods taking a {@link UnitOfWork} join the caller's transaction; the others
 * open their own.
 */
public final class RunLedger {
    private final Store store;
    private final Clock clock;
    private final SignalHooks hooks;
    private final RetryPolicies retries;
    private final Leases leases;
    private final Claims claims;
    private volatile EventSink events = EventSink.NONE;

    public RunLedger(Store store, Clock clock, SignalHooks hooks, RetryPolicies retries, Duration leaseDuration) {
        this.store = store;
        this.clock = clock;
        this.hooks = hooks;
        this.retries = retries;
        this.leases = new Leases(store, leaseDuration);
        this.claims = new Claims(store, clock, hooks, leases, () -> events);
    }

    /** Where every history row the ledger writes is also recorded as an event, in the same transaction. */
    public void recordEventsTo(EventSink sink) {
        this.events = sink == null ? EventSink.NONE : sink;
    }

    /** The event sink resource changes next to the ledger's record into (a pool paused, a backfill finished). */
    public EventSink events() {
        return events;
    }

    /** What one transition did: the run before and after it, and the history rows it wrote (none: no change). */
    public record Outcome(FlowRun before, FlowRun after, List<RunStateRecord> records) {
        public boolean changed() {
            return !records.isEmpty();
        }
    }

    public Leases leases() {
        return leases;
    }

    public Claims claims() {
        return claims;
    }

    /** The signals a unit of work will send after it commits, for changes next to the ledger's (a pool resumed). */
    public SignalHooks.Pending signals(UnitOfWork unit) {
        return hooks.in(unit);
    }

    /** The retry rule a run was created with. */
    public RetryPolicy retryPolicy(FlowRun run) {
        return retries.of(run);
    }

    // ------------------------------------------------------------------ creation

    /** Stores a new run and its first history row; a due run wakes its pool's polls after commit. */
    public void create(UnitOfWork unit, FlowRun run, Actor actor) {
        RunRows.insertRuns(unit.handle(), List.of(run));
        List<RunStateRecord> first = List.of(firstRecord(run, actor));
        RunRows.insertStates(unit.handle(), first);
        events.runStates(unit, first);
        if (run.nextAt() != null) {
            hooks.in(unit).poolChanged(run.placement().poolId());
        }
    }

    /** Stores many new runs (schedules, backfills) in batched statements, first states by the server. */
    public void createAll(UnitOfWork unit, List<FlowRun> runs) {
        if (runs.isEmpty()) {
            return;
        }
        RunRows.insertRuns(unit.handle(), runs);
        List<RunStateRecord> first = runs.stream().map(r -> firstRecord(r, Actor.SERVER)).toList();
        RunRows.insertStates(unit.handle(), first);
        events.runStates(unit, first);
        SignalHooks.Pending pending = hooks.in(unit);
        // A held backfill run (no due time) wakes nobody until it is released.
        runs.stream().filter(r -> r.nextAt() != null).map(r -> r.placement().poolId()).distinct().forEach(pending::poolChanged);
    }

    /**
     * A run an SDK process started by hand: RUNNING at once and leased to its reporter at lease
     * epoch 0 (the epoch the proto reserves for runs no agent claimed); its reports and
     * heartbeats extend the lease, and if it goes silent the reaper ends it like any other.
     */
    public FlowRun startAdHoc(FlowRun draft) {
        if (draft.state().type() != StateType.RUNNING || draft.placement().poolId() != null) {
            throw new IllegalArgumentException("an ad-hoc run starts RUNNING, outside any pool");
        }
        FlowRun run = draft.toBuilder().leaseEpoch(0).leaseExpiresAt(leases.expiryFrom(draft.state().at())).build();
        store.useTransaction(unit -> create(unit, run, Actor.USER));
        return run;
    }

    /** Deletes a schedule's unstarted first attempts due after {@code after} (it was redefined or paused). */
    public int dropUnstarted(UnitOfWork unit, UUID scheduleId, Instant after) {
        return unit.handle().attach(FlowRunDao.class).deleteUnstartedAfter(scheduleId, after);
    }

    private static RunStateRecord firstRecord(FlowRun r, Actor actor) {
        return new RunStateRecord(null, r.id(), r.state().type(), r.state().name(), r.state().message(), actor,
                r.attempt(), r.state().at(), null, ActorKeys.of(actor));
    }

    // ------------------------------------------------------------------ user and server transitions

    /**
     * Transitions the run to what {@code decide} returns for its current state (null: no change),
     * in its own transaction.
     *
     * @throws NotFoundException if there is no such run
     * @throws io.flowplane.controlplane.state.IllegalTransitionException if the table forbids it
     */
    public FlowRun transition(UUID runId, Function<FlowRun, StateChange> decide) {
        return apply(runId, decide).after();
    }

    /** {@link #transition} returning the whole outcome. */
    public Outcome apply(UUID runId, Function<FlowRun, StateChange> decide) {
        return store.inTransaction(unit -> apply(unit, runId, decide));
    }

    /** The same inside the caller's unit of work. */
    public FlowRun transition(UnitOfWork unit, UUID runId, Function<FlowRun, StateChange> decide) {
        return apply(unit, runId, decide).after();
    }

    public Outcome apply(UnitOfWork unit, UUID runId, Function<FlowRun, StateChange> decide) {
        FlowRunDao runs = unit.handle().attach(FlowRunDao.class);
        FlowRun run = runs.lock(runId).orElseThrow(() -> new NotFoundException("flow run", runId));
        StateChange change = decide.apply(run);
        Outcome outcome;
        if (change == null || (change.idempotencyKey() != null
                && runs.countIdempotencyKey(runId, change.idempotencyKey()) > 0)) {
            outcome = new Outcome(run, run, List.of());
        } else {
            RunTransitions.Outcome t = RunTransitions.apply(run, change, retries.of(run), clock.instant());
            runs.update(t.run());
            runs.insertStates(t.records());
            events.runStates(unit, t.records());
            observe(run, t.records());
            outcome = new Outcome(run, t.run(), t.records());
        }
        // Also when nothing changed: a repeated cancel pushes the cancel to the agent again.
        FlowRun after = outcome.after();
        SignalHooks.Pending pending = hooks.in(unit).runUpdated(runId).poolChanged(after.placement().poolId());
        if (after.state().type() == StateType.CANCELLING) {
            pending.cancelRequested(runId, after.lease().agentId());
        }
        return outcome;
    }

    /**
     * {@link #transition} for many runs at once, for the server's own bulk changes (catch-up and
     * lateness skips): the runs are locked, decided and written in one transaction per chunk of
     * 500 instead of one each, which had made a burst of missed instants thousands of commits
     * competing with dispatch. {@code decide} must not return idempotency keys. Returns the runs
     * that changed.
     */
    public List<FlowRun> transitionAll(List<UUID> runIds, Function<FlowRun, StateChange> decide) {
        List<FlowRun> changed = new ArrayList<>();
        List<UUID> sorted = runIds.stream().distinct().sorted().toList();
        for (int from = 0; from < sorted.size(); from += 500) {
            List<UUID> chunk = sorted.subList(from, Math.min(sorted.size(), from + 500));
            changed.addAll(store.inTransaction(unit -> transitionChunk(unit, chunk, decide)));
        }
        return changed;
    }

    private List<FlowRun> transitionChunk(UnitOfWork unit, List<UUID> chunk, Function<FlowRun, StateChange> decide) {
        List<FlowRun> after = new ArrayList<>();
        List<RunStateRecord> records = new ArrayList<>();
        Instant now = clock.instant();
        for (FlowRun run : FlowRunDao.lockAllOn(unit.handle(), chunk)) {
            StateChange change = decide.apply(run);
            if (change == null) {
                continue;
            }
            if (change.idempotencyKey() != null) {
                throw new IllegalArgumentException("bulk transitions take no idempotency keys");
            }
            RunTransitions.Outcome outcome = RunTransitions.apply(run, change, retries.of(run), now);
            observe(run, outcome.records());
            after.add(outcome.run());
            records.addAll(outcome.records());
        }
        RunRows.updateRuns(unit.handle(), after);
        RunRows.insertStates(unit.handle(), records);
        events.runStates(unit, records);
        SignalHooks.Pending pending = hooks.in(unit);
        after.forEach(r -> pending.runUpdated(r.id()));
        after.forEach(r -> pending.poolChanged(r.placement().poolId()));
        return after;
    }

    // ------------------------------------------------------------------ agent reports

    /**
     * Locks the runs a batch of agent reports names (in id order, so two batches never deadlock)
     * for {@link ReportBatch}; {@code withKeys} are the runs some state report carries an
     * idempotency key for.
     */
    public ReportBatch reports(UnitOfWork unit, Instant now, Collection<UUID> runIds, Collection<UUID> withKeys) {
        ReportBatch batch = new ReportBatch(unit, now, leases, retries, hooks.in(unit), events);
        batch.lock(runIds, withKeys);
        return batch;
    }

    // ------------------------------------------------------------------ the scheduler's changes

    /**
     * Scheduled → Late for runs still waiting in Scheduled whose due time passed before
     * {@code cutoff}, at most {@code limit}; the same state type, so a change of name the
     * transition table does not govern. Returns how many changed.
     */
    public int markLate(Instant cutoff, Instant now, int limit) {
        return store.inTransaction(unit -> {
            FlowRunDao dao = unit.handle().attach(FlowRunDao.class);
            List<FlowRunDao.Overdue> overdue = dao.overdue(cutoff, limit);
            if (overdue.isEmpty()) {
                return 0;
            }
            int[] changed = dao.markLate(overdue.stream().map(FlowRunDao.Overdue::id).toList(), now);
            List<RunStateRecord> history = new ArrayList<>();
            for (int i = 0; i < changed.length; i++) {
                if (changed[i] > 0) {
                    history.add(new RunStateRecord(null, overdue.get(i).id(), StateType.SCHEDULED,
                            StateName.LATE.label(), null, Actor.SERVER, overdue.get(i).attempt(), now, null, null));
                }
            }
            RunRows.insertStates(unit.handle(), history);
            events.runStates(unit, history);
            SignalHooks.Pending pending = hooks.in(unit);
            history.forEach(r -> pending.runUpdated(r.runId()));
            return history.size();
        });
    }

    /**
     * Releases held backfill runs (no due time yet): due now and Scheduled, each with its history
     * row; their pool's polls wake after commit. Returns how many were still held.
     */
    public int release(UnitOfWork unit, UUID backfillId, List<UUID> held, Instant now) {
        if (held.isEmpty()) {
            return 0;
        }
        FlowRunDao runs = unit.handle().attach(FlowRunDao.class);
        int[] changed = runs.release(held, now);
        List<RunStateRecord> history = new ArrayList<>();
        for (int i = 0; i < changed.length; i++) {
            if (changed[i] > 0) {
                history.add(new RunStateRecord(null, held.get(i), StateType.SCHEDULED, StateName.SCHEDULED.label(),
                        "released by backfill " + backfillId, Actor.SERVER, 1, now, null, null));
            }
        }
        RunRows.insertStates(unit.handle(), history);
        events.runStates(unit, history);
        if (!history.isEmpty()) {
            hooks.in(unit).poolChanged(runs.poolOf(held.get(0)).orElse(null));
        }
        return history.size();
    }

    /** Reports each type change the history rows of one change wrote, in order, starting from {@code before}. */
    static void observe(FlowRun before, List<RunStateRecord> records) {
        StateType from = before.state().type();
        for (RunStateRecord r : records) {
            AppliedTransitions.applied(from, r.stateType(), r.actor());
            from = r.stateType();
        }
    }
}
