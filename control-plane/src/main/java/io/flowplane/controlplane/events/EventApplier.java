package io.flowplane.controlplane.events;

import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.store.RunRows;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.TaskRun;
import io.flowplane.controlplane.runs.RunTransitions;
import io.flowplane.controlplane.runs.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.IllegalTransitionException;
import io.flowplane.controlplane.state.RetryPolicy;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.LogStore;
import io.flowplane.controlplane.store.ReportDao;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Applies one batch of fresh events inside the caller's transaction: locks the runs they name,
 * checks each event's lease epoch and transition, and writes everything with batched statements.
 */
final class EventApplier {

    /** What a batch did: the last sequence stored, rejections, runs touched, pools with freed slots. */
    record Result(long lastSeq, int applied, List<EventAck.Rejection> rejections, Set<UUID> touchedRuns,
                  Set<UUID> freedPools, List<StateType> ended) {
        static Result nothing(long acked) {
            return new Result(acked, 0, List.of(), Set.of(), Set.of(), List.of());
        }
    }

    private final Handle handle;
    private final EventSettings settings;
    private final Instant now;
    private final Predicate<FlowRun> mayReport;
    private final Map<UUID, FlowRun> runs = new HashMap<>();
    private final Map<UUID, FlowRun> dirty = new LinkedHashMap<>();
    private final List<RunStateRecord> states = new ArrayList<>();
    private final List<LogLine> logs = new ArrayList<>();
    private final Map<UUID, TaskRun> tasks = new LinkedHashMap<>();
    private final Set<UUID> newTasks = new HashSet<>();
    private final List<Artifact> artifacts = new ArrayList<>();
    private final List<EventAck.Rejection> rejections = new ArrayList<>();
    /** "runId|key" of every idempotency key stored for the batch's runs, and those applied in this batch. */
    private final Set<String> keysSeen = new HashSet<>();
    private final Set<UUID> freedPools = new HashSet<>();
    /** Attached once per batch. */

    EventApplier(Handle handle, EventSettings settings, Instant now, Predicate<FlowRun> mayReport) {
        this.handle = handle;
        this.settings = settings;
        this.now = now;
        this.mayReport = mayReport;
    }

    Result apply(List<RunEvent> events) {
        Set<UUID> ids = events.stream().map(RunEvent::runId).collect(Collectors.toCollection(TreeSet::new));
        FlowRunDao.lockAllOn(handle, ids).forEach(r -> runs.put(r.id(), r));
        loadIdempotencyKeys(events);
        loadTasks(events);
        for (RunEvent event : events) {
            applyOne(event);
        }
        persist();
        long last = events.get(events.size() - 1).seq();
        List<StateType> ended = states.stream().map(RunStateRecord::stateType).filter(StateType::isTerminal).toList();
        return new Result(last, events.size(), List.copyOf(rejections), Set.copyOf(dirty.keySet()),
                Set.copyOf(freedPools), ended);
    }

    private void applyOne(RunEvent event) {
        FlowRun run = runs.get(event.runId());
        if (run == null) {
            reject(event, EventAck.Reason.UNKNOWN_RUN, "flow run " + event.runId() + " not found");
            return;
        }
        if (!mayReport.test(run)) {
            reject(event, EventAck.Reason.INVALID_EVENT, "this API key may not report on runs of this work pool");
            return;
        }
        if (event.leaseEpoch() != run.leaseEpoch()) {
            reject(event, EventAck.Reason.STALE_LEASE, "lease epoch " + event.leaseEpoch()
                    + " is stale; the run is at epoch " + run.leaseEpoch());
            return;
        }
        RunEvent.Body body = event.body();
        if (body instanceof RunEvent.State s) {
            applyState(event, run, s);
        } else if (body instanceof RunEvent.Log l) {
            applyLogs(run, event, List.of(l));
        } else if (body instanceof RunEvent.Logs ls) {
            applyLogs(run, event, ls.lines());
        } else if (body instanceof RunEvent.TaskRunReport t) {
            applyTask(event, run, t);
        } else if (body instanceof RunEvent.ArtifactReport a) {
            artifacts.add(new Artifact(RowIds.next(), run.id(), a.taskRunId(), a.key(), a.type(),
                    a.description(), a.data(), now));
        } else {
            extendLease(run);
        }
    }

    private void applyState(RunEvent event, FlowRun run, RunEvent.State s) {
        String key = s.idempotencyId() == null || s.idempotencyId().isEmpty() ? null : s.idempotencyId();
        if (key != null && !keysSeen.add(run.id() + "|" + key)) {
            return;
        }
        try {
            StateChange change = new StateChange(s.type(), s.name(), s.message(), Actor.AGENT, key);
            RunTransitions.Outcome outcome = RunTransitions.apply(run, change, settings.retries().apply(run), now);
            states.addAll(outcome.records());
            FlowRun after = outcome.run();
            if (after.stateType().isActive()) {
                after = after.toBuilder().leaseExpiresAt(now.plus(settings.leaseDuration())).build();
            } else if (after.poolId() != null) {
                // A run started by hand (POST /flow-runs) holds no pool slot.
                freedPools.add(after.poolId());
            }
            put(after);
        } catch (IllegalTransitionException | IllegalArgumentException e) {
            reject(event, EventAck.Reason.INVALID_TRANSITION, e.getMessage());
        }
    }

    /**
     * Each line gets the run's next sequence (the run is locked, so sequences ascend in commit
     * order). Past the run's cap one marker line is stored, then lines are dropped (still
     * acknowledged). The run's count is written back once per event, not once per line.
     */
    private void applyLogs(FlowRun run, RunEvent event, List<RunEvent.Log> lines) {
        long max = settings.logLimits().maxLinesPerRun();
        long count = run.logCount();
        Instant at = printedAt(event);
        for (RunEvent.Log l : lines) {
            if (count > max) {
                break;
            }
            String message = count == max
                    ? "[flowplane] log limit of " + max + " lines reached; further lines of this run are dropped"
                    : settings.logLimits().truncate(l.message());
            count++;
            logs.add(new LogLine(count, run.id(), l.taskRunId(), at, l.stream(), l.level(), message));
        }
        if (count != run.logCount()) {
            put(run.toBuilder().logCount(count).build());
        }
    }

    /** The source's time of the line when it gave a plausible one (it is informational), else ours. */
    private Instant printedAt(RunEvent event) {
        Instant at = event.occurredAt();
        return at != null && Validator.inRange(at) ? at : now;
    }

    private void applyTask(RunEvent event, FlowRun run, RunEvent.TaskRunReport t) {
        TaskRun existing = tasks.get(t.taskRunId());
        if (existing != null && !existing.flowRunId().equals(run.id())) {
            reject(event, EventAck.Reason.INVALID_EVENT, "task run " + t.taskRunId() + " belongs to another flow run");
            return;
        }
        StateName name;
        try {
            name = StateName.resolve(t.type(), t.stateName());
        } catch (IllegalArgumentException e) {
            reject(event, EventAck.Reason.INVALID_EVENT, e.getMessage());
            return;
        }
        Instant started = existing == null ? null : existing.startedAt();
        if (started == null && t.type() == StateType.RUNNING) {
            started = now;
        }
        Instant ended = t.type().isTerminal() ? now : null;
        Instant created = existing == null ? now : existing.createdAt();
        String tags = JsonArrays.of(t.tags());
        tasks.put(t.taskRunId(), new TaskRun(t.taskRunId(), run.id(), t.taskKey(), t.name(), t.type(), name.label(),
                t.message(), t.cacheKey(), t.resultUri(), t.resultHash(), t.attempt(), tags, started, ended, created, now));
        if (existing == null) {
            newTasks.add(t.taskRunId());
        }
    }

    private void extendLease(FlowRun run) {
        if (run.stateType().isActive()) {
            put(run.toBuilder().leaseExpiresAt(now.plus(settings.leaseDuration())).build());
        }
    }

    private void put(FlowRun run) {
        runs.put(run.id(), run);
        dirty.put(run.id(), run);
    }

    private void reject(RunEvent event, EventAck.Reason reason, String message) {
        rejections.add(new EventAck.Rejection(event.seq(), event.runId(), reason, message));
    }

    /**
     * The idempotency keys already stored for the runs this batch changes the state of, in one
     * query per 1,000 runs instead of one per state event (the runs are locked: none can be added
     * meanwhile).
     */
    private void loadIdempotencyKeys(List<RunEvent> events) {
        List<UUID> withKeys = events.stream()
                .filter(e -> e.body() instanceof RunEvent.State s && s.idempotencyId() != null && !s.idempotencyId().isEmpty())
                .map(RunEvent::runId).filter(runs::containsKey).distinct().toList();
        for (int from = 0; from < withKeys.size(); from += 1000) {
            handle.createQuery("SELECT run_id, idempotency_key FROM flow_run_states "
                            + "WHERE run_id IN (<ids>) AND idempotency_key IS NOT NULL")
                    .bindList("ids", withKeys.subList(from, Math.min(withKeys.size(), from + 1000)))
                    .map((rs, ctx) -> rs.getObject(1, UUID.class) + "|" + rs.getString(2))
                    .forEach(keysSeen::add);
        }
    }

    private void loadTasks(List<RunEvent> events) {
        Set<UUID> taskIds = events.stream()
                .filter(e -> e.body() instanceof RunEvent.TaskRunReport)
                .map(e -> ((RunEvent.TaskRunReport) e.body()).taskRunId())
                .collect(Collectors.toSet());
        if (!taskIds.isEmpty()) {
            handle.attach(ReportDao.class).findTaskRuns(taskIds).forEach(t -> tasks.put(t.id(), t));
        }
    }

    private void persist() {
        if (!dirty.isEmpty()) {
            RunRows.updateRuns(handle, dirty.values());
        }
        if (!states.isEmpty()) {
            RunRows.insertStates(handle, states);
        }
        if (!logs.isEmpty()) {
            LogStore.insert(handle, logs, now);
        }
        if (tasks.isEmpty() && artifacts.isEmpty()) {
            return;
        }
        // Attached only when needed: attaching an SQL object costs a handler per method.
        ReportDao reports = handle.attach(ReportDao.class);
        List<TaskRun> inserts = tasks.values().stream().filter(t -> newTasks.contains(t.id())).toList();
        List<TaskRun> updates = tasks.values().stream().filter(t -> !newTasks.contains(t.id())).toList();
        if (!inserts.isEmpty()) {
            reports.insertTaskRuns(inserts);
        }
        if (!updates.isEmpty()) {
            reports.updateTaskRuns(updates);
        }
        if (!artifacts.isEmpty()) {
            reports.insertArtifacts(artifacts);
        }
    }
}
