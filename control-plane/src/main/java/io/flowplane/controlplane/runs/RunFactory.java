package io.flowplane.controlplane.runs;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentSpec;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates runs of a deployment: the one place that decides a new run's initial fields (state
 * SCHEDULED, attempt 1, the deployment's retry rule and timeout at creation time).
 */
public final class RunFactory {
    private final Clock clock;
    private final Json json;
    private final Meter created;

    public RunFactory(Clock clock, Json json, MetricRegistry metrics) {
        this.clock = clock;
        this.json = json;
        this.created = metrics.meter("flowplane.runs.created");
    }

    /** The created run, or the existing one with the same idempotency key (then {@code created} is false). */
    public record Result(FlowRun run, boolean created) {
    }

    /** Inserts the run inside the caller's transaction; the caller signals the pool after commit. */
    public Result create(Handle h, Deployment deployment, DeploymentSpec spec, NewRun request) {
        FlowRunDao runs = h.attach(FlowRunDao.class);
        if (request.idempotencyKey() != null) {
            Optional<FlowRun> existing = runs.findByIdempotencyKey(deployment.id(), request.idempotencyKey());
            if (existing.isPresent()) {
                return new Result(existing.get(), false);
            }
        }
        Instant now = clock.instant();
        Instant due = request.scheduledAt() == null ? now : request.scheduledAt();
        List<String> tags = request.tags() == null ? spec.tags() : request.tags();
        Long timeoutMs = spec.timeoutSeconds() == null ? null : Math.round(spec.timeoutSeconds() * 1000);
        FlowRun run = new FlowRun(UUID.randomUUID(), request.name() == null ? RunNames.next() : request.name(),
                deployment.id(), deployment.name(), spec.flowName(), deployment.poolId(), deployment.queueId(),
                request.parametersJson(), json.write(tags), StateType.SCHEDULED, StateName.SCHEDULED.label(), null,
                now, due, due, 1, spec.retries(), json.write(spec.retryDelaysSeconds()), timeoutMs, null, 0, null,
                null, null, 0, request.idempotencyKey(), now);
        runs.insert(run);
        runs.insertStates(List.of(new RunStateRecord(null, run.id(), StateType.SCHEDULED, run.stateName(), null,
                Actor.USER, 1, now, null)));
        created.mark();
        return new Result(run, true);
    }
}
