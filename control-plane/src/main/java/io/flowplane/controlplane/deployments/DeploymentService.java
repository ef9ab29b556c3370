package io.flowplane.controlplane.deployments;

import io.flowplane.controlplane.specs.ParameterSchema;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.specs.ScheduleSpec;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.runs.NewRun;
import io.flowplane.controlplane.runs.RunFactory;
import io.flowplane.controlplane.schedules.ScheduleSync;
import io.flowplane.controlplane.store.DeploymentDao;
import io.flowplane.controlplane.store.ScheduleDao;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;
import io.flowplane.controlplane.store.WorkPoolDao;
import org.jdbi.v3.core.JdbiException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Registers deployments (idempotent upsert by name) and starts ad-hoc runs of them. */
public final class DeploymentService {

    /** What an upsert did. */
    public enum Change { CREATED, UPDATED, UNCHANGED }

    public record Upserted(Deployment deployment, Change change) {
    }

    /** A request to run a deployment now (or at {@code scheduledAt}) with parameter overrides. */
    public record RunRequest(ObjectNode parameters, String name, List<String> tags, Instant scheduledAt,
                             String idempotencyKey) {
    }

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final RunFactory runs;
    private final ScheduleSync schedules;
    private volatile io.flowplane.controlplane.eventlog.EventSink events =
            io.flowplane.controlplane.eventlog.EventSink.NONE;

    /** Runs created here (schedules materialised, ad-hoc runs) wake their pool through the ledger after commit. */
    public DeploymentService(Store store, Clock clock, Json json, RunFactory runs, ScheduleSync schedules) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.runs = runs;
        this.schedules = schedules;
    }

    /** Where deployment changes are recorded as events, in their own transaction. */
    public void recordEventsTo(io.flowplane.controlplane.eventlog.EventSink sink) {
        this.events = sink;
    }

    private void event(UnitOfWork unit, String type, Deployment d, List<String> tags) {
        java.util.Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("name", d.name());
        payload.put("flowName", d.flowName());
        payload.put("paused", d.paused());
        events.record(unit, new io.flowplane.controlplane.eventlog.EventDraft(type, "deployment", d.id().toString(),
                d.name(), null, d.id(), d.name(), d.flowName(), d.poolId(), tags == null ? List.of() : tags, payload));
    }

    public Upserted upsert(DeploymentSpec spec) {
        spec.validate();
        DeploymentSpec normalized = spec.normalized();
        String specJson = json.canonical(normalized);
        String hash = Json.sha256(specJson);
        try {
            return store.inTransaction(unit -> upsert(unit, spec, normalized, specJson, hash));
        } catch (JdbiException e) {
            // Two first registrations of one name raced; the loser now finds the winner's row.
            return store.inTransaction(unit -> upsert(unit, spec, normalized, specJson, hash));
        }
    }

    private Upserted upsert(UnitOfWork unit, DeploymentSpec spec, DeploymentSpec normalized, String specJson,
                            String hash) {
        WorkPoolDao pools = unit.handle().attach(WorkPoolDao.class);
        WorkPool pool = pools.findByName(normalized.placement().workPool()).orElseThrow(() -> new ValidationException("workPool",
                "no work pool named '" + normalized.placement().workPool() + "': create it first (POST /api/v1/work-pools)"));
        WorkQueue queue = pools.findQueue(pool.id(), normalized.placement().workQueue()).orElseThrow(() -> new ValidationException(
                "workQueue", "work pool '" + pool.name() + "' has no queue named '" + normalized.placement().workQueue() + "'"));
        if (normalized.placement().jobVariables() != null && !WorkPool.KUBERNETES.equals(pool.type())) {
            throw new ValidationException("jobVariables", "work pool '" + pool.name() + "' is of type " + pool.type()
                    + ": Job variables apply only to kubernetes pools");
        }
        if (normalized.program().source() != null && WorkPool.KUBERNETES.equals(pool.type())) {
            // The Job runs the image its template names; no agent fetches code into it, so a
            // source would be silently ignored and the run would execute whatever the image holds.
            throw new ValidationException("source", "work pool '" + pool.name() + "' is of type kubernetes: its Jobs run "
                    + "the image the template names and fetch no code; build the flow into an image and set "
                    + "jobVariables.image instead of a source");
        }
        DeploymentDao dao = unit.handle().attach(DeploymentDao.class);
        Instant now = clock.instant();
        Optional<Deployment> existing = dao.lockByName(normalized.name());
        if (existing.isEmpty()) {
            Deployment d = new Deployment(UUID.randomUUID(), normalized.name(), normalized.flowName(), pool.id(),
                    queue.id(), specJson, hash, normalized.placement().concurrencyLimit(), Boolean.TRUE.equals(spec.paused()), now, now);
            dao.insert(d);
            schedules.apply(unit, d, normalized, now);
            event(unit, io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_CREATED, d, normalized.tags());
            return new Upserted(d, Change.CREATED);
        }
        Deployment old = existing.get();
        boolean paused = spec.paused() == null ? old.paused() : spec.paused();
        if (old.specHash().equals(hash) && old.paused() == paused) {
            return new Upserted(old, Change.UNCHANGED);
        }
        Deployment d = new Deployment(old.id(), old.name(), normalized.flowName(), pool.id(), queue.id(), specJson, hash,
                normalized.placement().concurrencyLimit(), paused, old.createdAt(), now);
        dao.update(d);
        schedules.apply(unit, d, normalized, now);
        if (!old.specHash().equals(hash)) {
            event(unit, io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_UPDATED, d, normalized.tags());
        }
        if (old.paused() != paused) {
            event(unit, paused ? io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_PAUSED
                    : io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_RESUMED, d, normalized.tags());
        }
        return new Upserted(d, Change.UPDATED);
    }

    /** By id or by name. */
    public Deployment get(String ref) {
        Optional<Deployment> found = store.withDao(DeploymentDao.class,
                dao -> asUuid(ref).flatMap(dao::find).or(() -> dao.findByName(ref)));
        return found.orElseThrow(() -> new NotFoundException("deployment", ref));
    }

    /** The deployment's schedule rows (the scheduler's progress through each), by name. */
    public List<Schedule> schedules(Deployment d) {
        return store.withDao(ScheduleDao.class, dao -> dao.ofDeployment(d.id()));
    }

    public List<Deployment> list() {
        return store.withDao(DeploymentDao.class, DeploymentDao::list);
    }

    public DeploymentSpec spec(Deployment d) {
        return json.read(d.spec(), DeploymentSpec.class);
    }

    /** Pausing removes the schedules' future runs; resuming materialises again (with catch-up). */
    public Deployment setPaused(String ref, boolean paused) {
        Deployment d = get(ref);
        return store.inTransaction(unit -> {
            Deployment locked = unit.handle().attach(DeploymentDao.class).lockByName(d.name())
                    .orElseThrow(() -> new NotFoundException("deployment", ref));
            if (locked.paused() == paused) {
                return locked;
            }
            Instant now = clock.instant();
            Deployment changed = new Deployment(locked.id(), locked.name(), locked.flowName(), locked.poolId(),
                    locked.queueId(), locked.spec(), locked.specHash(), locked.concurrencyLimit(), paused,
                    locked.createdAt(), now);
            unit.handle().attach(DeploymentDao.class).update(changed);
            DeploymentSpec changedSpec = spec(changed);
            schedules.apply(unit, changed, changedSpec, now);
            event(unit, paused ? io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_PAUSED
                    : io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_RESUMED, changed, changedSpec.tags());
            return changed;
        });
    }

    /**
     * Pauses or resumes one schedule of a deployment: its definition with that schedule's
     * {@code active} flipped, upserted like any other change (so the scheduler drops or
     * materialises its future runs exactly as if the user had edited the definition).
     *
     * @throws NotFoundException if the deployment has no schedule of that name
     */
    public Upserted setScheduleActive(String ref, String scheduleName, boolean active) {
        DeploymentSpec spec = spec(get(ref));
        List<ScheduleSpec> schedules = spec.scheduling().schedules() == null ? List.of() : spec.scheduling().schedules();
        List<ScheduleSpec> changed = new java.util.ArrayList<>();
        boolean found = false;
        for (int i = 0; i < schedules.size(); i++) {
            ScheduleSpec s = schedules.get(i).normalized(i);
            if (s.name().equals(scheduleName)) {
                found = true;
                s = s.withActive(active);
            }
            changed.add(s);
        }
        if (!found) {
            throw new NotFoundException("schedule", scheduleName);
        }
        return upsert(spec.withSchedules(changed).withPaused(null));
    }

    /** Deletes the definition and its future scheduled runs; past runs stay (with its name) for history. */
    public void delete(String ref) {
        Deployment d = get(ref);
        store.useTransaction(unit -> {
            DeploymentSpec unscheduled = spec(d);
            schedules.apply(unit, d, unscheduled.withSchedules(List.of()), clock.instant());
            unit.handle().attach(DeploymentDao.class).delete(d.id());
            event(unit, io.flowplane.controlplane.eventlog.EventTypes.DEPLOYMENT_DELETED, d, unscheduled.tags());
        });
    }

    /** Validates parameters against the schema before anything is stored. */
    public RunFactory.Result createRun(String ref, RunRequest request) {
        Deployment d = get(ref);
        DeploymentSpec spec = spec(d);
        ObjectNode defaults = spec.program().parameters();
        ObjectNode parameters = defaults == null ? json.mapper().createObjectNode() : defaults.deepCopy();
        if (request.parameters() != null) {
            parameters.setAll(request.parameters());
        }
        ParameterSchema.validateParameters(spec.program().parameterSchema(), parameters);
        new io.flowplane.controlplane.common.Validator()
                .check(request.name() == null || (request.name().length() <= 200 && !request.name().isBlank()),
                        "name", "must be 1-200 characters")
                .check(request.idempotencyKey() == null || request.idempotencyKey().length() <= 200,
                        "idempotencyKey", "must be at most 200 characters")
                .check(request.tags() == null || request.tags().stream()
                        .allMatch(t -> t != null && !t.isBlank() && t.length() <= 100), "tags", "each tag must be 1-100 characters")
                .check(request.scheduledAt() == null || io.flowplane.controlplane.common.Validator.inRange(request.scheduledAt()),
                        "scheduledAt", "must be between 1970 and 9999")
                .throwIfInvalid();
        NewRun newRun = new NewRun(d.id(), request.name(), json.write(parameters), request.tags(),
                request.scheduledAt(), request.idempotencyKey());
        return store.inTransaction(unit -> runs.create(unit, d, spec, newRun));
    }

    static Optional<UUID> asUuid(String ref) {
        try {
            return Optional.of(UUID.fromString(ref));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
