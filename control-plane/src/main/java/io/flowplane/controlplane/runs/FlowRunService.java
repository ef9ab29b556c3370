package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.TaskRun;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.IllegalTransitionException;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.CodeVersionDao;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.ReportDao;
import io.flowplane.controlplane.store.RunListQuery;
import io.flowplane.controlplane.store.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reading runs and what they reported, and the user's cancel and retry. */
public final class FlowRunService {

    /** One page of runs, and the cursor of the next page (null on the last). */
    public record Page(List<FlowRun> runs, String nextCursor) {
    }

    private final Store store;
    private final RunLedger ledger;

    public FlowRunService(Store store, RunLedger ledger) {
        this.store = store;
        this.ledger = ledger;
    }

    public FlowRun get(UUID id) {
        return store.withDao(FlowRunDao.class, d -> d.find(id))
                .orElseThrow(() -> new NotFoundException("flow run", id));
    }

    /** The version of its deployment's code the run's latest attempt ran, as its agent reported it. */
    public java.util.Optional<String> codeVersion(UUID id) {
        return store.withDao(CodeVersionDao.class, d -> d.latest(id));
    }

    public Page list(RunFilter f) {
        RunListQuery query = new RunListQuery().deployment(f.deploymentId()).states(f.states())
                .createdAtOrAfter(f.createdAfter()).createdBefore(f.createdBefore()).tag(f.tag());
        if (f.cursor() != null) {
            query.olderThan(f.cursor().createdAt(), f.cursor().id());
        }
        List<FlowRun> rows = store.runs(query, f.limit() + 1);
        if (rows.size() <= f.limit()) {
            return new Page(rows, null);
        }
        List<FlowRun> page = new ArrayList<>(rows.subList(0, f.limit()));
        FlowRun last = page.get(page.size() - 1);
        return new Page(page, new RunFilter.Cursor(last.times().createdAt(), last.id()).encode());
    }

    public List<RunStateRecord> history(UUID id) {
        get(id);
        return store.withDao(FlowRunDao.class, d -> d.history(id));
    }

    public List<TaskRun> taskRuns(UUID id) {
        get(id);
        return store.withDao(ReportDao.class, d -> d.taskRuns(id));
    }

    public List<Artifact> artifacts(UUID id) {
        get(id);
        return store.withDao(ReportDao.class, d -> d.artifacts(id));
    }

    /** Lines after sequence {@code after}, oldest first. */
    public List<LogLine> logs(UUID id, long after, int limit) {
        return store.logs(id, after, limit);
    }

    /**
     * A scheduled run is cancelled at once; a claimed one goes to CANCELLING until its agent
     * stops it. Cancelling a run that is already cancelling or cancelled changes nothing.
     */
    public FlowRun cancel(UUID id, String idempotencyKey) {
        return cancel(id, idempotencyKey, "user");
    }

    /**
     * The same on behalf of {@code by} ("automation 'notify-on-fail'"), which the state's message
     * names; the transition is still a user's (the table allows cancels to users), and the state
     * row's key id is that of the caller, if any.
     */
    public FlowRun cancel(UUID id, String idempotencyKey, String by) {
        return change(id, run -> switch (run.state().type()) {
            case CANCELLING, CANCELLED -> null;
            case SCHEDULED -> new StateChange(StateType.CANCELLED, null, "cancelled by " + by, Actor.USER, idempotencyKey);
            default -> new StateChange(StateType.CANCELLING, null, "cancel requested by " + by, Actor.USER, idempotencyKey);
        });
    }

    /** A failed, crashed or cancelled run is scheduled again as a new attempt. */
    public FlowRun retry(UUID id, String idempotencyKey) {
        return change(id, run -> new StateChange(StateType.SCHEDULED, StateName.AWAITING_RETRY.label(), "retry requested by user",
                Actor.USER, idempotencyKey));
    }

    private FlowRun change(UUID id, java.util.function.Function<FlowRun, StateChange> decide) {
        try {
            return ledger.transition(id, decide);
        } catch (IllegalTransitionException e) {
            throw new ConflictException("flow run " + id + " is " + e.from() + ": " + e.getMessage());
        }
    }

    public static Set<StateType> parseStates(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> StateType.valueOf(s.toUpperCase(java.util.Locale.ROOT))).collect(Collectors.toSet());
    }
}
