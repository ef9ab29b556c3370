package io.flowplane.controlplane.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.signals.InProcessSignals;
import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.IllegalTransitionException;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.testing.Fixtures;
import io.flowplane.controlplane.testing.H2File;
import io.flowplane.controlplane.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger's contract with its callers, on a real H2 file and a manual clock: what a change
 * returns, that its signals leave once and only after the commit (none from a unit that rolled
 * back), and that a transition the table forbids writes nothing. The claim, report and lease
 * paths are covered on H2 and PostgreSQL by the store contract tests.
 */
class RunLedgerTest {
    private static final Instant START = Instant.parse("2026-12-04T09:00:00Z");

    @TempDir
    Path dir;

    private H2File db;
    private Store store;
    private final MutableClock clock = new MutableClock(START);
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private RunLedger ledger;
    private Fixtures fixtures;

    @BeforeEach
    void open() {
        db = H2File.open(dir);
        store = db.store();
        fixtures = new Fixtures(store, clock);
        Signals signals = new InProcessSignals();
        signals.subscribe(new Signals.Listener() {
            @Override
            public void poolChanged(UUID poolId) {
                sent.add("pool " + poolId);
            }

            @Override
            public void runUpdated(UUID runId) {
                sent.add("run " + runId);
            }

            @Override
            public void cancelRequested(UUID runId, String agentId) {
                sent.add("cancel " + runId + " " + agentId);
            }
        });
        ledger = new RunLedger(store, clock, new SignalHooks(signals), new RetryPolicies(new ObjectMapper()),
                Duration.ofSeconds(30));
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void aTransitionReturnsWhatItWroteAndSignalsOnceAfterItsCommit() {
        WorkQueue queue = fixtures.pool().queue();
        FlowRun run = fixtures.scheduledRuns(queue, 1).get(0);
        List<String> seenInside = new CopyOnWriteArrayList<>();

        RunLedger.Outcome outcome = store.inTransaction(unit -> {
            RunLedger.Outcome o = ledger.apply(unit, run.id(), r -> StateChange.of(StateType.CANCELLED, Actor.USER));
            ledger.apply(unit, run.id(), r -> null); // a second change to the same run in the unit
            seenInside.addAll(sent);
            return o;
        });

        assertThat(seenInside).as("nothing is signalled before the commit").isEmpty();
        assertThat(sent).as("once each, duplicates merged").containsExactly("run " + run.id(), "pool " + queue.poolId());
        assertThat(outcome.before().state().type()).isEqualTo(StateType.SCHEDULED);
        assertThat(outcome.after().state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(outcome.records()).extracting(RunStateRecord::stateType, RunStateRecord::actor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StateType.CANCELLED, Actor.USER));
        assertThat(history(run.id())).extracting(RunStateRecord::stateType).containsExactly(StateType.CANCELLED);
    }

    @Test
    void aUnitThatRollsBackSignalsNothingAndLeavesTheRunAsItWas() {
        FlowRun run = fixtures.scheduledRuns(fixtures.pool().queue(), 1).get(0);

        assertThatThrownBy(() -> store.useTransaction(unit -> {
            ledger.apply(unit, run.id(), r -> StateChange.of(StateType.CANCELLED, Actor.USER));
            throw new IllegalStateException("the caller's next step failed");
        })).hasMessageContaining("next step failed");

        assertThat(sent).isEmpty();
        assertThat(current(run.id()).state().type()).isEqualTo(StateType.SCHEDULED);
        assertThat(history(run.id())).isEmpty();
    }

    @Test
    void aForbiddenTransitionIsRefusedAndWritesNothing() {
        FlowRun run = fixtures.scheduledRuns(fixtures.pool().queue(), 1).get(0);
        ledger.transition(run.id(), r -> StateChange.of(StateType.CANCELLED, Actor.USER));
        sent.clear();

        assertThatThrownBy(() -> ledger.transition(run.id(), r -> StateChange.of(StateType.RUNNING, Actor.AGENT)))
                .isInstanceOf(IllegalTransitionException.class);

        assertThat(sent).isEmpty();
        assertThat(current(run.id()).state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(history(run.id())).extracting(RunStateRecord::stateType).containsExactly(StateType.CANCELLED);
    }

    @Test
    void creatingRunsWakesThePoolOfDueRunsOnlyAndWritesTheirFirstState() {
        WorkQueue due = fixtures.pool().queue();
        WorkQueue held = fixtures.pool().queue();
        FlowRun dueRun = draft(due, clock.instant());
        FlowRun heldRun = draft(held, null); // an unreleased backfill run

        store.useTransaction(unit -> ledger.createAll(unit, List.of(dueRun, heldRun)));

        assertThat(sent).containsExactly("pool " + due.poolId());
        assertThat(history(dueRun.id())).extracting(RunStateRecord::stateType, RunStateRecord::actor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StateType.SCHEDULED, Actor.SERVER));
        assertThat(history(heldRun.id())).hasSize(1);

        sent.clear();
        int released = store.inTransaction(unit -> ledger.release(unit, UUID.randomUUID(), List.of(heldRun.id()), clock.instant()));
        assertThat(released).isEqualTo(1);
        assertThat(sent).as("a released run wakes its pool").containsExactly("pool " + held.poolId());
        assertThat(current(heldRun.id()).nextAt()).isEqualTo(clock.instant());
    }

    @Test
    void lateMarkingChangesOnlyRunsStillWaitingPastTheCutoff() {
        WorkQueue queue = fixtures.pool().queue();
        FlowRun overdue = fixtures.scheduledRuns(queue, 1).get(0);
        clock.advance(Duration.ofMinutes(10));
        FlowRun recent = fixtures.scheduledRuns(queue, 1).get(0);

        int marked = ledger.markLate(clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100);

        assertThat(marked).isEqualTo(1);
        assertThat(current(overdue.id()).state().name()).isEqualTo("Late");
        assertThat(current(recent.id()).state().name()).isEqualTo("Scheduled");
        assertThat(sent).containsExactly("run " + overdue.id());
        assertThat(ledger.markLate(clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100))
                .as("already Late: nothing to do twice").isZero();
    }

    private FlowRun draft(WorkQueue queue, Instant nextAt) {
        Instant now = clock.instant();
        return new FlowRun(UUID.randomUUID(), "run-" + UUID.randomUUID(), FlowRun.Origin.adHoc("etl"),
                new FlowRun.Placement(queue.poolId(), queue.id()), "{}", "[]",
                new FlowRun.State(StateType.SCHEDULED, "Scheduled", null, now), nextAt, 1, FlowRun.Policy.NONE,
                FlowRun.Lease.NONE, FlowRun.Times.planned(now, now, null), 0L);
    }

    private FlowRun current(UUID runId) {
        return store.withDao(FlowRunDao.class, d -> d.find(runId)).orElseThrow();
    }

    private List<RunStateRecord> history(UUID runId) {
        return store.withDao(FlowRunDao.class, d -> d.history(runId));
    }
}
