package io.flowplane.controlplane.schedules;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.backfills.BackfillService;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.ScheduleDao;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One scheduler pass ("tick"): materialise the schedules whose next check is due, mark overdue
 * runs Late, apply catch-up policies, skip runs past their max lateness, release backfill runs.
 * Every step reads an index on what is due, so a tick costs what is due, not a scan of all
 * deployments. Several control planes may tick one database: schedule rows are locked with
 * SKIP LOCKED and every run has a unique (schedule, instant) key.
 */
public final class Scheduler {
    private static final int PASS_LIMIT = 1000;

    private final Store store;
    private final Clock clock;
    private final Materializer materializer;
    private final CatchUp catchUp;
    private final RunLedger ledger;
    private final BackfillService backfills;
    private final SchedulerSettings settings;
    private final Meter skipped;

    /** What the scheduler plans with and writes through. */
    public record Collaborators(Store store, Clock clock, Json json, Materializer materializer, RunLedger ledger,
                                BackfillService backfills) {
    }

    public Scheduler(Collaborators c, SchedulerSettings settings, MetricRegistry metrics) {
        this.store = c.store();
        this.clock = c.clock();
        this.materializer = c.materializer();
        this.catchUp = new CatchUp(c.store(), c.json(), c.ledger());
        this.ledger = c.ledger();
        this.backfills = c.backfills();
        this.settings = settings;
        this.skipped = metrics.meter("flowplane.runs.skipped");
    }

    /** "Tick now". Returns how many schedules and runs it touched (0: nothing was due). */
    public int tick() {
        Instant now = clock.instant();
        int work = materializeDue(now);
        work += markLate(now);
        int skips = catchUp.apply(now) + skipPastMaxLateness(now);
        skipped.mark(skips);
        work += skips;
        work += backfills.release(now);
        return work;
    }

    private int materializeDue(Instant now) {
        int total = 0;
        while (true) {
            // The pools that got due runs are signalled by the ledger after each commit.
            int handled = store.inTransaction(unit -> {
                List<Schedule> due = unit.handle().attach(ScheduleDao.class).lockDue(now, settings.batchSize());
                materializer.materialize(unit, due, now);
                return due.size();
            });
            total += handled;
            if (handled < settings.batchSize()) {
                return total;
            }
        }
    }

    /** Scheduled → Late for runs not started {@code lateAfter} past their due time (state history included). */
    private int markLate(Instant now) {
        return ledger.markLate(now.minus(settings.lateAfter()), now, PASS_LIMIT);
    }

    private int skipPastMaxLateness(Instant now) {
        List<UUID> late = store.withDao(FlowRunDao.class, d -> d.pastMaxLateness(now, PASS_LIMIT));
        return ledger.transitionAll(late,
                run -> run.state().type() == StateType.SCHEDULED && run.times().skipAfter() != null
                    && !run.times().skipAfter().isAfter(now)
                    ? new StateChange(StateType.CANCELLED, null, "skipped: late (not started by "
                    + run.times().skipAfter() + ", the deployment's maxLatenessSeconds after its scheduled time "
                    + run.times().scheduledAt() + ")", Actor.SERVER, null)
                    : null).size();
    }
}
