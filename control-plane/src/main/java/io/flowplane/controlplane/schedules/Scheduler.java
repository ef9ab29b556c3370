package io.flowplane.controlplane.schedules;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.backfills.BackfillService;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.runs.RunStateWriter;
import io.flowplane.controlplane.runs.Signals;
import io.flowplane.controlplane.runs.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.FlowRunDao.Overdue;
import io.flowplane.controlplane.store.ScheduleDao;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private final RunStateWriter writer;
    private final BackfillService backfills;
    private final Signals signals;
    private final SchedulerSettings settings;
    private final Meter skipped;

    public Scheduler(Store store, Clock clock, Json json, Materializer materializer, RunStateWriter writer,
                     BackfillService backfills, Signals signals, SchedulerSettings settings, MetricRegistry metrics) {
        this.store = store;
        this.clock = clock;
        this.materializer = materializer;
        this.catchUp = new CatchUp(store, json, writer);
        this.writer = writer;
        this.backfills = backfills;
        this.signals = signals;
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
            List<Set<UUID>> pools = new ArrayList<>(1);
            int handled = store.jdbi().inTransaction(h -> {
                List<Schedule> due = h.attach(ScheduleDao.class).lockDue(now, settings.batchSize());
                pools.add(materializer.materialize(h, due, now));
                return due.size();
            });
            pools.get(0).forEach(signals::poolChanged);
            total += handled;
            if (handled < settings.batchSize()) {
                return total;
            }
        }
    }

    /** Scheduled → Late for runs not started {@code lateAfter} past their due time (state history included). */
    private int markLate(Instant now) {
        Instant cutoff = now.minus(settings.lateAfter());
        return store.jdbi().inTransaction(h -> {
            FlowRunDao dao = h.attach(FlowRunDao.class);
            List<Overdue> overdue = dao.overdue(cutoff, PASS_LIMIT);
            if (overdue.isEmpty()) {
                return 0;
            }
            int[] changed = dao.markLate(overdue.stream().map(Overdue::id).toList(), now);
            List<RunStateRecord> history = new ArrayList<>();
            for (int i = 0; i < changed.length; i++) {
                if (changed[i] > 0) {
                    history.add(new RunStateRecord(null, overdue.get(i).id(), StateType.SCHEDULED,
                            StateName.LATE.label(), null, Actor.SERVER, overdue.get(i).attempt(), now, null));
                }
            }
            dao.insertStates(history);
            return history.size();
        });
    }

    private int skipPastMaxLateness(Instant now) {
        List<UUID> late = store.jdbi().withExtension(FlowRunDao.class, d -> d.pastMaxLateness(now, PASS_LIMIT));
        return writer.transitionAll(late, run -> run.stateType() == StateType.SCHEDULED && run.skipAfter() != null
                    && !run.skipAfter().isAfter(now)
                    ? new StateChange(StateType.CANCELLED, null, "skipped: late (not started by "
                    + run.skipAfter() + ", the deployment's maxLatenessSeconds after its scheduled time "
                    + run.scheduledAt() + ")", Actor.SERVER, null)
                    : null).size();
    }
}
