package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.model.AutomationAction;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.store.AutomationDao;
import io.flowplane.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Executes the outbox's pending actions. Each execution carries the action's id as idempotency
 * key ("automation-action:&lt;id&gt;"), so an action executed again after a crash between its effect
 * and its DONE mark changes nothing the second time: one firing creates exactly one run. An
 * action that fails is retried with exponential backoff; a refusal that cannot change (an unknown
 * deployment, invalid parameters) and the last failed attempt mark it FAILED, with the error.
 */
public final class ActionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);

    /** What the actions act on. */
    record Targets(DeploymentService deployments, WorkPoolService pools, FlowRunService runs, Notifier notifier) {
    }

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final Targets targets;
    private final Duration retryDelay;
    private final int maxAttempts;

    ActionRunner(Store store, Clock clock, Json json, Targets targets, Duration retryDelay, int maxAttempts) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.targets = targets;
        this.retryDelay = retryDelay;
        this.maxAttempts = maxAttempts;
    }

    /** Executes the actions due now; returns how many it finished (done or failed for good). */
    public synchronized int runDue() {
        List<AutomationAction> due = store.withDao(AutomationDao.class, d -> d.due(clock.instant()));
        int finished = 0;
        for (AutomationAction a : due) {
            AutomationAction next = execute(a);
            store.useTransaction(unit -> unit.handle().attach(AutomationDao.class).finish(next));
            if (!AutomationAction.PENDING.equals(next.status())) {
                finished++;
            }
        }
        return finished;
    }

    /** When the next pending action is due, if any. */
    Optional<Instant> nextDue() {
        return store.withDao(AutomationDao.class, AutomationDao::nextDue);
    }

    private AutomationAction execute(AutomationAction a) {
        Instant now = clock.instant();
        int attempts = a.attempts() + 1;
        try {
            String result = perform(a.id(), a.automationId(), json.tree(a.action()));
            return new AutomationAction(a.id(), a.firingId(), a.automationId(), a.position(), a.action(),
                    AutomationAction.DONE, attempts, now, null, result, now);
        } catch (ValidationException | NotFoundException | ConflictException | IllegalArgumentException e) {
            return failed(a, attempts, now, e.getMessage(), true);
        } catch (RuntimeException e) {
            LOG.warn("automation action {} failed (attempt {})", a.id(), attempts, e);
            // The stack trace is in the log line above; the action's record says it in words.
            return failed(a, attempts, now, "unexpected error" + (e.getMessage() == null ? "" : ": " + e.getMessage()), false);
        }
    }

    private AutomationAction failed(AutomationAction a, int attempts, Instant now, String error, boolean permanent) {
        boolean last = permanent || attempts >= maxAttempts;
        Instant next = now.plus(retryDelay.multipliedBy(1L << Math.min(attempts - 1, 20)));
        String message = error == null ? "failed" : error.length() > 2000 ? error.substring(0, 2000) : error;
        return new AutomationAction(a.id(), a.firingId(), a.automationId(), a.position(), a.action(),
                last ? AutomationAction.FAILED : AutomationAction.PENDING, attempts, last ? now : next, message, null,
                now);
    }

    /** Does the action; returns a short description of its result. */
    private String perform(UUID actionId, UUID automationId, JsonNode action) {
        String key = "automation-action:" + actionId;
        String type = action.path("type").asText();
        return switch (type) {
            case "run-deployment" -> {
                ObjectNode params = action.path("parameters").isObject() ? (ObjectNode) action.get("parameters") : null;
                var created = targets.deployments().createRun(action.path("deployment").asText(),
                        new DeploymentService.RunRequest(params, null, null, null, key));
                yield "run " + created.run().id();
            }
            case "pause-deployment", "resume-deployment" -> {
                targets.deployments().setPaused(action.path("deployment").asText(), type.startsWith("pause"));
                yield type.startsWith("pause") ? "paused" : "resumed";
            }
            case "pause-work-pool", "resume-work-pool" -> {
                targets.pools().update(targets.pools().nameOf(action.path("workPool").asText()),
                        new WorkPoolService.PoolChange(null, null, null, null, type.startsWith("pause"), null));
                yield type.startsWith("pause") ? "paused" : "resumed";
            }
            case "cancel-run" -> {
                UUID run;
                try {
                    run = UUID.fromString(action.path("run").asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("run '" + action.path("run").asText() + "' is not a run id");
                }
                yield "run " + run + " " + targets.runs().cancel(run, key, describe(automationId)).state().type();
            }
            case "notify" -> "delivery " + targets.notifier().enqueue(actionId, action);
            default -> throw new IllegalArgumentException("unknown action type '" + type + "'");
        };
    }

    /** "automation 'NAME'" for the states it causes (by id if it was deleted meanwhile). */
    private String describe(UUID automationId) {
        return store.withDao(AutomationDao.class, d -> d.find(automationId))
                .map(x -> "automation '" + x.name() + "'").orElse("automation " + automationId);
    }
}
