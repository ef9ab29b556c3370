package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.Recurrence;
import io.flowplane.controlplane.specs.ScheduleSpec;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.specs.DeploymentSpec.Catchup;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.runs.RunFactory;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.store.DeploymentDao;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.ScheduleDao;
import io.flowplane.controlplane.store.UnitOfWork;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Brings locked schedules up to date: instants missed while nothing could run them are handled by
 * the deployment's catch-up policy, due instants get a run now, and runs exist ahead over the
 * horizon. Called by the scheduler tick and by deployment upserts, always with the schedule rows
 * locked, so two control planes never materialise one schedule at once; the unique (schedule,
 * instant) key is the last guard.
 */
public final class Materializer {
    private final Json json;
    private final RunFactory runs;
    private final SchedulerSettings settings;
    private final CompiledSchedules compiled;

    public Materializer(Json json, RunFactory runs, SchedulerSettings settings) {
        this.json = json;
        this.runs = runs;
        this.settings = settings;
        this.compiled = new CompiledSchedules(json);
    }

    /** What one pass planned for one schedule. */
    record Plan(List<FlowRun> runs, Instant cursor, Instant nextCheck) {
    }

    /**
     * Materialises each locked schedule at {@code now}; returns the pools that got runs (the
     * ledger signals them after the commit).
     */
    public Set<UUID> materialize(UnitOfWork unit, List<Schedule> locked, Instant now) {
        if (locked.isEmpty()) {
            return Set.of();
        }
        Handle h = unit.handle();
        Set<UUID> deploymentIds = locked.stream().map(Schedule::deploymentId).collect(Collectors.toSet());
        Map<UUID, Deployment> deployments = h.attach(DeploymentDao.class).findAll(deploymentIds).stream()
                .collect(Collectors.toMap(Deployment::id, Function.identity()));
        FlowRunDao dao = h.attach(FlowRunDao.class);
        List<FlowRun> created = new ArrayList<>();
        List<Schedule> progressed = new ArrayList<>();
        Set<UUID> pools = new HashSet<>();
        Map<UUID, DeploymentSpec> specs = new java.util.HashMap<>();
        for (Schedule s : locked) {
            Deployment d = deployments.get(s.deploymentId());
            if (d == null) {
                continue;
            }
            // A deployment's schedules are usually locked together: its spec is parsed once.
            DeploymentSpec spec = specs.computeIfAbsent(d.id(), id -> json.read(d.spec(), DeploymentSpec.class));
            Plan plan = plan(s, d, spec, now);
            List<FlowRun> fresh = withoutExisting(dao, s, plan.runs());
            created.addAll(fresh);
            if (!fresh.isEmpty()) {
                pools.add(d.poolId());
            }
            progressed.add(s.withProgress(plan.cursor(), plan.nextCheck(), now));
        }
        runs.insertAll(unit, created);
        h.attach(ScheduleDao.class).updateProgress(progressed);
        return pools;
    }

    /** An instant a user cancelled (or one that ran) keeps its run: never a second one. */
    private static List<FlowRun> withoutExisting(FlowRunDao dao, Schedule s, List<FlowRun> planned) {
        if (planned.isEmpty()) {
            return planned;
        }
        Instant first = planned.get(0).times().scheduledAt();
        Set<Instant> existing = new HashSet<>(dao.scheduledInstants(s.id(), first.minusMillis(1)));
        return existing.isEmpty() ? planned : planned.stream().filter(r -> !existing.contains(r.times().scheduledAt())).toList();
    }

    Plan plan(Schedule s, Deployment d, DeploymentSpec spec, Instant now) {
        CompiledSchedules.Compiled c = compiled.of(s.spec());
        ScheduleSpec schedule = c.spec();
        Recurrence recurrence = c.recurrence();
        String parameters = json.write(spec.parametersFor(schedule));
        List<FlowRun> planned = new ArrayList<>();
        Instant cursor = s.cursorAt();
        Instant cutoff = now.minus(settings.lateAfter());
        if (cursor.isBefore(cutoff)) {
            for (Instant missed : missedToRun(recurrence, cursor, cutoff, spec)) {
                planned.add(run(d, spec, s, parameters, missed, StateName.LATE.label()));
            }
            cursor = cutoff;
        }
        for (Instant due : recurrence.between(cursor, now, settings.maxRuns())) {
            planned.add(run(d, spec, s, parameters, due, StateName.SCHEDULED.label()));
        }
        List<Instant> ahead = ahead(recurrence, now);
        for (Instant t : ahead) {
            if (t.isAfter(cursor)) {
                planned.add(run(d, spec, s, parameters, t, StateName.SCHEDULED.label()));
            }
        }
        Instant newCursor = ahead.isEmpty() ? now : ahead.get(ahead.size() - 1);
        return new Plan(planned, newCursor.isAfter(cursor) ? newCursor : cursor, nextCheck(recurrence, ahead, now, s.id()));
    }

    private FlowRun run(Deployment d, DeploymentSpec spec, Schedule s, String parameters, Instant at, String state) {
        return runs.planned(d, spec, parameters, at, at, state, s.id(), null, null);
    }

    /** The instants after {@code now} that should exist: the target horizon and minRuns, at most maxRuns. */
    private List<Instant> ahead(Recurrence recurrence, Instant now) {
        Instant until = now.plus(settings.target());
        List<Instant> out = new ArrayList<>();
        Instant t = now;
        while (out.size() < settings.maxRuns()) {
            t = recurrence.next(t);
            if (t == null || (t.isAfter(until) && out.size() >= settings.minRuns())) {
                break;
            }
            out.add(t);
        }
        return out;
    }

    /**
     * When the runs ahead stop covering the horizon or drop below minRuns — or, when capped at
     * maxRuns, once half of them have passed. Null when the series has ended and everything exists.
     */
    private Instant nextCheck(Recurrence recurrence, List<Instant> ahead, Instant now, UUID scheduleId) {
        if (ahead.isEmpty()) {
            return recurrence.next(now) == null ? null : now.plus(settings.horizon());
        }
        int n = ahead.size();
        Instant last = ahead.get(n - 1);
        Instant check;
        boolean capped = n >= settings.maxRuns();
        if (capped) {
            // Capped before the horizon was covered: the horizon can never be covered, so the
            // "horizon no longer covered" moment is already past and would bring the schedule
            // back every tick (a 5 s interval was re-read every second). Come back when half ran.
            check = ahead.get(n / 2);
        } else {
            check = last.minus(settings.horizon());
            if (n >= settings.minRuns()) {
                check = min(check, ahead.get(n - settings.minRuns()));
            }
        }
        Instant following = recurrence.next(last);
        if (following == null && n < settings.minRuns()) {
            check = last;
        } else if (!capped && following != null && !following.isAfter(last.plus(slack()))) {
            // Only where the revisit is sure to add a run (the next instant after the last one
            // falls within the slack a spread check still looks ahead): the check then moves on.
            check = check.minus(spread(scheduleId));
        }
        Instant soonest = now.plusSeconds(1);
        return check.isBefore(soonest) ? soonest : check;
    }

    /**
     * How much earlier than needed this schedule is revisited: a fixed share of the slack between
     * the horizon and the target, by schedule. Without it every check falls on a fire instant, so
     * schedules created together (10,000 one-minute crons) were all revisited in the very second
     * their runs fell due, competing with the dispatch of those runs. Earlier is always safe.
     */
    private java.time.Duration spread(UUID scheduleId) {
        long slack = slack().toMillis();
        return slack <= 0 ? java.time.Duration.ZERO
                : java.time.Duration.ofMillis(Math.floorMod(scheduleId.getLeastSignificantBits(), slack));
    }

    private java.time.Duration slack() {
        return settings.target().minus(settings.horizon()).dividedBy(2);
    }

    /**
     * Instants in (cursor, cutoff] that never got a run, reduced by the catch-up policy: only the
     * ones the policy would keep are created. Runs that exist but did not start are reduced by
     * {@link CatchUp} the same way.
     */
    private List<Instant> missedToRun(Recurrence recurrence, Instant cursor, Instant cutoff, DeploymentSpec spec) {
        Catchup policy = spec.scheduling().catchupPolicy();
        if (policy == Catchup.NONE) {
            return List.of();
        }
        int keep = policy == Catchup.LATEST ? 1 : catchupMax(spec);
        return lastInstants(recurrence, cursor, cutoff, keep);
    }

    static int catchupMax(DeploymentSpec spec) {
        Integer max = spec.scheduling().catchupMaxRuns();
        return max == null ? DeploymentSpec.DEFAULT_CATCHUP_MAX_RUNS : max;
    }

    /**
     * The last {@code n} instants in (after, until], without walking a long outage from its start:
     * the window grows from an hour until it holds n instants or reaches {@code after}.
     */
    static List<Instant> lastInstants(Recurrence recurrence, Instant after, Instant until, int n) {
        long gapSeconds = java.time.Duration.between(after, until).getSeconds();
        long windowSeconds = 3600;
        while (true) {
            boolean whole = windowSeconds >= gapSeconds;
            Instant from = whole ? after : until.minusSeconds(windowSeconds);
            List<Instant> found = recurrence.between(from, until, Integer.MAX_VALUE);
            if (found.size() >= n || whole) {
                return found.subList(Math.max(0, found.size() - n), found.size());
            }
            windowSeconds *= 4;
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
