package io.flowplane.controlplane.backfills;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.Backfill;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.runs.RunFactory;
import io.flowplane.controlplane.specs.ScheduleSpec;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.BackfillDao;
import io.flowplane.controlplane.store.BackfillDao.StateCount;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;
import org.jdbi.v3.core.JdbiException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Backfills: one held run per instant the deployment's schedules had in a range, released
 * {@code maxActive} at a time as earlier ones finish. Re-submitting the same request returns the
 * backfill it already created.
 */
public final class BackfillService {
    private final Store store;
    private final Clock clock;
    private final Json json;
    private final RunFactory runs;
    private final FlowRunService flowRuns;
    private final RunLedger ledger;

    public BackfillService(Store store, Clock clock, Json json, RunFactory runs, FlowRunService flowRuns,
                           RunLedger ledger) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.runs = runs;
        this.flowRuns = flowRuns;
        this.ledger = ledger;
    }

    /** The backfill, and whether this call created it. */
    public record Created(Backfill backfill, boolean created) {
    }

    public Created create(Deployment d, DeploymentSpec spec, BackfillRequest request) {
        request.validate();
        BackfillRequest r = request.normalized();
        Map<ScheduleSpec, List<Instant>> instants = instants(spec, r);
        Map<ScheduleSpec, String> parameters = parameters(spec, r, instants.keySet());
        int total = instants.values().stream().mapToInt(List::size).sum();
        if (total > BackfillRequest.MAX_RUNS) {
            throw new ValidationException("to", "the range holds " + total + " scheduled instants; a backfill creates "
                    + "at most " + BackfillRequest.MAX_RUNS + " runs");
        }
        String hash = Json.sha256(d.id() + "\n" + json.canonical(r));
        Created result;
        try {
            result = store.inTransaction(unit -> create(unit, d, spec, r, hash, instants, parameters, total));
        } catch (JdbiException e) {
            // The same request raced in twice; the loser returns the winner's backfill.
            result = new Created(store.withDao(BackfillDao.class, dao -> dao.findByRequest(d.id(), hash))
                    .orElseThrow(() -> e), false);
        }
        if (result.created()) {
            release(result.backfill().id(), clock.instant());
        }
        return result;
    }

    private Created create(UnitOfWork unit, Deployment d, DeploymentSpec spec, BackfillRequest r, String hash,
                           Map<ScheduleSpec, List<Instant>> instants, Map<ScheduleSpec, String> parameters, int total) {
        BackfillDao dao = unit.handle().attach(BackfillDao.class);
        Optional<Backfill> existing = dao.findByRequest(d.id(), hash);
        if (existing.isPresent()) {
            return new Created(existing.get(), false);
        }
        Instant now = clock.instant();
        Backfill b = new Backfill(UUID.randomUUID(), d.id(), hash, r.from(), r.to(), r.schedule(),
                r.parameters() == null ? null : json.write(r.parameters()), r.maxActive(), total, Backfill.RUNNING,
                now, total == 0 ? now : null);
        dao.insert(total == 0 ? withState(b, Backfill.COMPLETED) : b);
        List<FlowRun> planned = new ArrayList<>();
        instants.forEach((schedule, list) -> list.forEach(at -> planned.add(runs.planned(d, spec,
                parameters.get(schedule), at, null, StateName.AWAITING_CONCURRENCY_SLOT.label(), null, b.id(),
                "backfill:" + b.id() + ":" + schedule.name() + ":" + at.toEpochMilli()))));
        runs.insertAll(unit, planned);
        return new Created(total == 0 ? withState(b, Backfill.COMPLETED) : b, true);
    }

    private static Backfill withState(Backfill b, String state) {
        return new Backfill(b.id(), b.deploymentId(), b.requestHash(), b.rangeFrom(), b.rangeTo(), b.scheduleName(),
                b.parameters(), b.maxActive(), b.total(), state, b.createdAt(), b.endedAt());
    }

    /** Instants in [from, to) per schedule, through the same Recurrence the scheduler uses. */
    private static Map<ScheduleSpec, List<Instant>> instants(DeploymentSpec spec, BackfillRequest r) {
        List<ScheduleSpec> schedules = spec.scheduling().schedules() == null ? List.of() : spec.scheduling().schedules();
        if (r.schedule() != null) {
            schedules = schedules.stream().filter(s -> r.schedule().equals(s.name())).toList();
            if (schedules.isEmpty()) {
                throw new ValidationException("schedule", "deployment '" + spec.name() + "' has no schedule named '"
                        + r.schedule() + "'");
            }
        }
        if (schedules.isEmpty()) {
            throw new ConflictException("deployment '" + spec.name() + "' has no schedule to backfill");
        }
        Map<ScheduleSpec, List<Instant>> out = new LinkedHashMap<>();
        for (ScheduleSpec s : schedules) {
            out.put(s, s.recurrence().between(r.from().minusMillis(1), r.to().minusMillis(1),
                    BackfillRequest.MAX_RUNS + 1));
        }
        return out;
    }

    /** Deployment defaults, then the schedule's overrides, then the request's; checked against the schema. */
    private Map<ScheduleSpec, String> parameters(DeploymentSpec spec, BackfillRequest r, Iterable<ScheduleSpec> schedules) {
        Map<ScheduleSpec, String> out = new LinkedHashMap<>();
        for (ScheduleSpec s : schedules) {
            ObjectNode merged = spec.parametersFor(s);
            if (r.parameters() != null) {
                merged.setAll(r.parameters());
            }
            io.flowplane.controlplane.specs.ParameterSchema.validateParameters(spec.program().parameterSchema(), merged);
            out.put(s, json.write(merged));
        }
        return out;
    }

    public List<Backfill> list(Deployment d) {
        return store.withDao(BackfillDao.class, dao -> dao.ofDeployment(d.id()));
    }

    public BackfillProgress progress(Deployment d, String id) {
        Backfill b = find(d, id);
        List<StateCount> counts = store.withDao(BackfillDao.class, dao -> dao.counts(b.id()));
        long completed = 0, failed = 0, cancelled = 0, running = 0, scheduled = 0, waiting = 0;
        for (StateCount c : counts) {
            switch (StateType.valueOf(c.stateType())) {
                case COMPLETED -> completed += c.runs();
                case FAILED, CRASHED -> failed += c.runs();
                case CANCELLED -> cancelled += c.runs();
                case SCHEDULED -> {
                    waiting += c.held();
                    scheduled += c.runs() - c.held();
                }
                default -> running += c.runs();
            }
        }
        return new BackfillProgress(b, b.total(), completed, failed, cancelled, running, scheduled, waiting);
    }

    /** Stops the backfill: nothing more is released, unstarted runs are cancelled, running ones asked to stop. */
    public BackfillProgress cancel(Deployment d, String id) {
        Backfill b = find(d, id);
        store.useTransaction(unit -> {
            // Ended and announced together, once: a second cancel (or a backfill that completed
            // meanwhile) changes no row and records nothing.
            if (unit.handle().attach(BackfillDao.class).end(b.id(), Backfill.CANCELLED, clock.instant()) > 0) {
                finished(unit, b, Backfill.CANCELLED);
            }
        });
        List<UUID> open = store.withDao(BackfillDao.class, dao -> dao.openRuns(b.id()));
        for (UUID runId : open) {
            try {
                flowRuns.cancel(runId, "backfill-cancel:" + b.id(), "backfill " + b.id());
            } catch (ConflictException e) {
                // The run ended meanwhile: nothing to stop.
            }
        }
        return progress(d, id);
    }

    private Backfill find(Deployment d, String id) {
        Optional<UUID> uuid = asUuid(id);
        return uuid.flatMap(u -> store.withDao(BackfillDao.class, dao -> dao.find(u)))
                .filter(b -> b.deploymentId().equals(d.id()))
                .orElseThrow(() -> new NotFoundException("backfill", id));
    }

    /** Releases held runs of every running backfill up to its maxActive; ends finished ones. */
    public int release(Instant now) {
        int released = 0;
        for (UUID id : store.withDao(BackfillDao.class, BackfillDao::running)) {
            released += release(id, now);
        }
        return released;
    }

    private int release(UUID id, Instant now) {
        return store.inTransaction(unit -> {
            BackfillDao dao = unit.handle().attach(BackfillDao.class);
            Backfill b = dao.lock(id).orElse(null);
            if (b == null || !Backfill.RUNNING.equals(b.state())) {
                return 0;
            }
            long active = 0, held = 0;
            for (StateCount c : dao.counts(id)) {
                held += c.held();
                if (!StateType.valueOf(c.stateType()).isTerminal()) {
                    active += c.runs() - c.held();
                }
            }
            if (active == 0 && held == 0) {
                if (dao.end(id, Backfill.COMPLETED, now) > 0) {
                    finished(unit, b, Backfill.COMPLETED);
                }
                return 0;
            }
            int room = (int) Math.min(held, b.maxActive() - active);
            if (room <= 0) {
                return 0;
            }
            return ledger.release(unit, id, dao.held(id, room), now);
        });
    }

    /**
     * backfill.finished, related to its deployment by id, name, flow, pool and tags like the
     * deployment's own events, so {@code resource=NAME}, {@code tag=} and automations matching the
     * deployment by name find it.
     */
    private void finished(UnitOfWork unit, Backfill b, String state) {
        Optional<Deployment> d = unit.handle().attach(io.flowplane.controlplane.store.DeploymentDao.class)
                .find(b.deploymentId());
        List<String> tags = d.map(x -> json.read(x.spec(), DeploymentSpec.class).tags()).orElse(null);
        ledger.events().record(unit, new io.flowplane.controlplane.eventlog.EventDraft(
                io.flowplane.controlplane.eventlog.EventTypes.BACKFILL_FINISHED, "backfill", b.id().toString(), null,
                null, b.deploymentId(), d.map(Deployment::name).orElse(null), d.map(Deployment::flowName).orElse(null),
                d.map(Deployment::poolId).orElse(null), tags == null ? List.of() : tags,
                Map.of("state", state, "total", b.total())));
    }

    private static Optional<UUID> asUuid(String ref) {
        try {
            return Optional.of(UUID.fromString(ref));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
