package io.flowplane.controlplane.events;

import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.ledger.ReportBatch;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.TaskRun;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.IllegalTransitionException;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.CodeVersionDao;
import io.flowplane.controlplane.store.LogStore;
import io.flowplane.controlplane.store.ReportDao;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Applies one batch of fresh events inside the caller's unit of work: checks each event's lease
 * epoch, hands what changes a run to the ledger's {@link ReportBatch} (state, lease, log count)
 * and stores log lines, task runs and artifacts with batched statements.
 */
final class EventApplier {

    /** What a batch did: the last sequence stored, rejections, the terminal states it wrote. */
    record Result(long lastSeq, int applied, List<EventAck.Rejection> rejections, List<StateType> ended) {
        static Result nothing(long acked) {
            return new Result(acked, 0, List.of(), List.of());
        }
    }

    private final UnitOfWork unit;
    private final RunLedger ledger;
    private final LogLimits limits;
    private final Instant now;
    private final Predicate<FlowRun> mayReport;
    private ReportBatch runs;
    private final List<LogLine> logs = new ArrayList<>();
    private final Map<UUID, TaskRun> tasks = new LinkedHashMap<>();
    private final Set<UUID> newTasks = new HashSet<>();
    private final List<Artifact> artifacts = new ArrayList<>();
    private final List<EventAck.Rejection> rejections = new ArrayList<>();
    /** (run, attempt) → the code version its agent started, from accepted RUNNING events. */
    private final Map<UUID, Map.Entry<Integer, String>> codeVersions = new LinkedHashMap<>();

    EventApplier(UnitOfWork unit, RunLedger ledger, LogLimits limits, Instant now, Predicate<FlowRun> mayReport) {
        this.unit = unit;
        this.ledger = ledger;
        this.limits = limits;
        this.now = now;
        this.mayReport = mayReport;
    }

    Result apply(List<RunEvent> events) {
        Set<UUID> ids = events.stream().map(RunEvent::runId).collect(Collectors.toSet());
        Set<UUID> withKeys = events.stream()
                .filter(e -> e.body() instanceof RunEvent.State s && s.idempotencyId() != null && !s.idempotencyId().isEmpty())
                .map(RunEvent::runId).collect(Collectors.toSet());
        runs = ledger.reports(unit, now, ids, withKeys);
        loadTasks(events);
        for (RunEvent event : events) {
            applyOne(event);
        }
        persist();
        long last = events.get(events.size() - 1).seq();
        return new Result(last, events.size(), List.copyOf(rejections), runs.ended());
    }

    private void applyOne(RunEvent event) {
        FlowRun run = runs.run(event.runId());
        if (run == null) {
            reject(event, EventAck.Reason.UNKNOWN_RUN, "flow run " + event.runId() + " not found");
            return;
        }
        if (!mayReport.test(run)) {
            reject(event, EventAck.Reason.INVALID_EVENT, "this API key may not report on runs of this work pool");
            return;
        }
        if (event.leaseEpoch() != run.lease().epoch()) {
            reject(event, EventAck.Reason.STALE_LEASE, "lease epoch " + event.leaseEpoch()
                    + " is stale; the run is at epoch " + run.lease().epoch());
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
            runs.heartbeat(run);
        }
    }

    private void applyState(RunEvent event, FlowRun run, RunEvent.State s) {
        String key = s.idempotencyId() == null || s.idempotencyId().isEmpty() ? null : s.idempotencyId();
        try {
            runs.state(run, new StateChange(s.type(), s.name(), s.message(), Actor.AGENT, key));
            if (s.codeVersion() != null && s.type() == StateType.RUNNING) {
                codeVersions.put(run.id(), Map.entry(run.attempt(), s.codeVersion()));
            }
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
        long max = limits.maxLinesPerRun();
        long count = run.logCount();
        Instant at = printedAt(event);
        for (RunEvent.Log l : lines) {
            if (count > max) {
                break;
            }
            String message = count == max
                    ? "[flowplane] log limit of " + max + " lines reached; further lines of this run are dropped"
                    : limits.truncate(l.message());
            count++;
            logs.add(new LogLine(count, run.id(), l.taskRunId(), at, l.stream(), l.level(), message));
        }
        runs.logCount(run, count);
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
        Instant started = existing == null ? null : existing.times().startedAt();
        if (started == null && t.type() == StateType.RUNNING) {
            started = now;
        }
        Instant ended = t.type().isTerminal() ? now : null;
        Instant created = existing == null ? now : existing.times().createdAt();
        String tags = JsonArrays.of(t.tags());
        tasks.put(t.taskRunId(), new TaskRun(t.taskRunId(), run.id(), t.taskKey(), t.name(),
                new TaskRun.State(t.type(), name.label(), t.message()),
                new TaskRun.Result(t.cacheKey(), t.resultUri(), t.resultHash()), t.attempt(), tags,
                new TaskRun.Times(started, ended, created, now)));
        if (existing == null) {
            newTasks.add(t.taskRunId());
        }
    }

    private void reject(RunEvent event, EventAck.Reason reason, String message) {
        rejections.add(new EventAck.Rejection(event.seq(), event.runId(), reason, message));
    }

    private void loadTasks(List<RunEvent> events) {
        Set<UUID> taskIds = events.stream()
                .filter(e -> e.body() instanceof RunEvent.TaskRunReport)
                .map(e -> ((RunEvent.TaskRunReport) e.body()).taskRunId())
                .collect(Collectors.toSet());
        if (!taskIds.isEmpty()) {
            unit.handle().attach(ReportDao.class).findTaskRuns(taskIds).forEach(t -> tasks.put(t.id(), t));
        }
    }

    private void persist() {
        runs.persist();
        if (!logs.isEmpty()) {
            LogStore.insert(unit.handle(), logs, now);
        }
        if (!codeVersions.isEmpty()) {
            CodeVersionDao versions = unit.handle().attach(CodeVersionDao.class);
            codeVersions.forEach((run, v) -> versions.record(run, v.getKey(), v.getValue(), now));
        }
        if (tasks.isEmpty() && artifacts.isEmpty()) {
            return;
        }
        // Attached only when needed: attaching an SQL object costs a handler per method.
        ReportDao reports = unit.handle().attach(ReportDao.class);
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
