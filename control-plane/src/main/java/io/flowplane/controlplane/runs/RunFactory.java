package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.store.RowIds;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates runs of a deployment: the one place that decides a new run's initial fields (state
 * SCHEDULED, attempt 1, the deployment's retry rule and timeout at creation time); the ledger
 * stores them.
 */
public final class RunFactory {
    private final Clock clock;
    private final Json json;
    private final RunLedger ledger;
    private final Meter created;

    public RunFactory(Clock clock, Json json, RunLedger ledger, MetricRegistry metrics) {
        this.clock = clock;
        this.json = json;
        this.ledger = ledger;
        this.created = metrics.meter("flowplane.runs.created");
    }

    /** The created run, or the existing one with the same idempotency key (then {@code created} is false). */
    public record Result(FlowRun run, boolean created) {
    }

    /**
     * A first attempt of a deployment run tied to a schedule instant or a backfill, built but not
     * stored: the scheduler inserts many at once with {@link #insertAll}. {@code nextAt} null
     * holds the run back (a backfill releases it later).
     */
    public FlowRun planned(Deployment deployment, DeploymentSpec spec, String parametersJson, Instant scheduledAt,
                           Instant nextAt, String stateName, UUID scheduleId, UUID backfillId,
                           String idempotencyKey) {
        Instant now = clock.instant();
        return new FlowRun(RowIds.next(), RunNames.next(),
                new FlowRun.Origin(deployment.id(), deployment.name(), spec.flowName(), scheduleId, backfillId,
                        idempotencyKey), placement(deployment), parametersJson, json.write(spec.tags()),
                new FlowRun.State(StateType.SCHEDULED, stateName, null, now), nextAt, 1, policy(spec),
                FlowRun.Lease.NONE, FlowRun.Times.planned(now, scheduledAt, skipAfter(spec, scheduledAt)), 0);
    }

    /** Stores planned runs and their first state in batched statements (the caller's unit of work). */
    public void insertAll(UnitOfWork unit, List<FlowRun> planned) {
        if (planned.isEmpty()) {
            return;
        }
        ledger.createAll(unit, planned);
        unit.afterCommit(() -> created.mark(planned.size()));
    }

    private static FlowRun.Placement placement(Deployment deployment) {
        return new FlowRun.Placement(deployment.poolId(), deployment.queueId());
    }

    /** The deployment's retries and timeout, fixed in the run when it is created. */
    private FlowRun.Policy policy(DeploymentSpec spec) {
        DeploymentSpec.Policy p = spec.policy();
        Long timeoutMs = p.timeoutSeconds() == null ? null : Math.round(p.timeoutSeconds() * 1000);
        return new FlowRun.Policy(p.retries(), json.write(p.retryDelaysSeconds()), timeoutMs);
    }

    /** When an unstarted run is no longer worth starting: its due time plus the deployment's max lateness. */
    static Instant skipAfter(DeploymentSpec spec, Instant due) {
        Double lateness = spec.scheduling().maxLatenessSeconds();
        return lateness == null ? null : due.plusMillis(Math.round(lateness * 1000));
    }

    /** Stores the run inside the caller's unit of work; its pool's polls wake after commit. */
    public Result create(UnitOfWork unit, Deployment deployment, DeploymentSpec spec, NewRun request) {
        FlowRunDao runs = unit.handle().attach(FlowRunDao.class);
        if (request.idempotencyKey() != null) {
            Optional<FlowRun> existing = runs.findByIdempotencyKey(deployment.id(), request.idempotencyKey());
            if (existing.isPresent()) {
                return new Result(existing.get(), false);
            }
        }
        Instant now = clock.instant();
        Instant due = request.scheduledAt() == null ? now : request.scheduledAt();
        List<String> tags = request.tags() == null ? spec.tags() : request.tags();
        FlowRun run = new FlowRun(RowIds.next(), request.name() == null ? RunNames.next() : request.name(),
                new FlowRun.Origin(deployment.id(), deployment.name(), spec.flowName(), null, null,
                        request.idempotencyKey()), placement(deployment), request.parametersJson(), json.write(tags),
                new FlowRun.State(StateType.SCHEDULED, StateName.SCHEDULED.label(), null, now), due, 1, policy(spec),
                FlowRun.Lease.NONE, FlowRun.Times.planned(now, due, skipAfter(spec, due)), 0);
        ledger.create(unit, run, Actor.USER);
        unit.afterCommit(created::mark);
        return new Result(run, true);
    }
}
