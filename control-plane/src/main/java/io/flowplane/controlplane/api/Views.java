package io.flowplane.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.Agent;
import io.flowplane.controlplane.model.ApiKey;
import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.TaskRun;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON shapes the REST API returns, built from stored rows. */
final class Views {
    private Views() {
    }

    record PoolView(UUID id, String name, String type, String description, Integer concurrencyLimit, boolean paused,
                    Instant createdAt, Instant updatedAt,
                    @JsonInclude(JsonInclude.Include.NON_NULL) com.fasterxml.jackson.databind.JsonNode baseJobTemplate) {
        private static final com.fasterxml.jackson.databind.ObjectMapper TEMPLATE =
                new com.fasterxml.jackson.databind.ObjectMapper();

        static PoolView of(WorkPool p) {
            return new PoolView(p.id(), p.name(), p.type(), p.description(), p.concurrencyLimit(), p.paused(),
                    p.createdAt(), p.updatedAt(), template(p.baseJobTemplate()));
        }

        private static com.fasterxml.jackson.databind.JsonNode template(String json) {
            try {
                return json == null ? null : TEMPLATE.readTree(json);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("stored Job template is not JSON", e);
            }
        }
    }

    record QueueView(UUID id, String name, int priority, Integer concurrencyLimit, boolean paused, Instant createdAt,
                     Instant updatedAt) {
        static QueueView of(WorkQueue q) {
            return new QueueView(q.id(), q.name(), q.priority(), q.concurrencyLimit(), q.paused(), q.createdAt(), q.updatedAt());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeploymentView(UUID id, String name, boolean paused, DeploymentSpec spec, Instant createdAt,
                          Instant updatedAt, String change) {
        static DeploymentView of(Deployment d, DeploymentSpec spec, DeploymentService.Change change) {
            return new DeploymentView(d.id(), d.name(), d.paused(), spec, d.createdAt(), d.updatedAt(),
                    change == null ? null : change.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    record StateView(String type, String name, String message, Instant at) {
    }

    /**
     * A run as the API shows it. The groups mirror {@link FlowRun}'s and are unwrapped: the JSON is
     * one flat object, as it was before they existed.
     */
    record FlowRunView(UUID id, String name, @JsonUnwrapped Origin origin, JsonNode parameters, List<String> tags,
                       StateView state, @JsonUnwrapped Execution execution, @JsonUnwrapped Times times,
                       String codeVersion) {

        /** The flow and what started the run; the deployment and schedule ids are null for ad-hoc runs. */
        record Origin(UUID deploymentId, String deploymentName, String flowName, UUID scheduleId, UUID backfillId) {
        }

        /** Which try this is, how many are allowed, and who holds the run (with its fencing epoch). */
        record Execution(int attempt, int maxRetries, String agentId, long leaseEpoch) {
        }

        /** {@code nextAt}: when the run next needs attention (see {@link FlowRun}). */
        record Times(Instant createdAt, Instant scheduledAt, Instant nextAt, Instant startedAt, Instant endedAt) {
        }

        static FlowRunView of(FlowRun r, Json json) {
            return of(r, json, null);
        }

        /** {@code codeVersion}: shown by the run's own page only (one more read), null in lists. */
        static FlowRunView of(FlowRun r, Json json, String codeVersion) {
            FlowRun.Origin o = r.origin();
            FlowRun.Times t = r.times();
            return new FlowRunView(r.id(), r.name(),
                    new Origin(o.deploymentId(), o.deploymentName(), o.flowName(), o.scheduleId(), o.backfillId()),
                    json.tree(r.parameters()), List.of(json.read(r.tags(), String[].class)),
                    new StateView(r.state().type().name(), r.state().name(), r.state().message(), r.state().at()),
                    new Execution(r.attempt(), r.policy().maxRetries(), r.lease().agentId(), r.lease().epoch()),
                    new Times(t.createdAt(), t.scheduledAt(), r.nextAt(), t.startedAt(), t.endedAt()), codeVersion);
        }
    }

    record RunPage(List<FlowRunView> items, String nextCursor) {
    }

    record HistoryView(long id, String type, String name, String message, String actor, int attempt, Instant at,
                       UUID actorKeyId) {
        static HistoryView of(RunStateRecord s) {
            return new HistoryView(s.id(), s.stateType().name(), s.stateName(), s.message(),
                    s.actor().name().toLowerCase(java.util.Locale.ROOT), s.attempt(), s.at(), s.actorKeyId());
        }
    }

    record TaskRunView(UUID id, String taskKey, String name, StateView state, String cacheKey, String resultUri,
                       String resultHash, int attempt, List<String> tags, Instant startedAt, Instant endedAt,
                       Instant createdAt) {
        static TaskRunView of(TaskRun t, Json json) {
            return new TaskRunView(t.id(), t.taskKey(), t.name(),
                    new StateView(t.state().type().name(), t.state().name(), t.state().message(), t.times().updatedAt()), t.result().cacheKey(),
                    t.result().uri(), t.result().hash(), t.attempt(), List.of(json.read(t.tags(), String[].class)),
                    t.times().startedAt(), t.times().endedAt(), t.times().createdAt());
        }
    }

    record LogView(long seq, UUID taskRunId, Instant at, String stream, String level, String message) {
        static LogView of(LogLine l) {
            return new LogView(l.seq(), l.taskRunId(), l.at(), l.stream(), l.level(), l.message());
        }
    }

    /** A page of log lines; pass {@code next} as {@code after} for the following page. */
    record LogPage(List<LogView> lines, long next, boolean runFinished) {
    }

    record ArtifactView(UUID id, UUID taskRunId, String key, String type, String description, String data,
                        Instant createdAt) {
        static ArtifactView of(Artifact a) {
            return new ArtifactView(a.id(), a.taskRunId(), a.artifactKey(), a.type(), a.description(), a.data(), a.createdAt());
        }
    }

    record AgentView(String id, String name, List<String> pools, int slots, int freeSlots, String version,
                     String hostname, String status, Instant registeredAt, Instant lastHeartbeatAt) {
        static AgentView of(Agent a, boolean online, Json json) {
            return new AgentView(a.id(), a.name(), List.of(json.read(a.pools(), String[].class)), a.slots(),
                    a.freeSlots(), a.version(), a.hostname(), online ? "online" : "offline", a.registeredAt(),
                    a.lastHeartbeatAt());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ApiKeyView(UUID id, String name, String role, String prefix, List<String> pools, Instant createdAt,
                      Instant revokedAt, String key) {
        static ApiKeyView of(ApiKey k, List<String> pools, String secret) {
            return new ApiKeyView(k.id(), k.name(), k.role().label(), k.prefix(), pools, k.createdAt(), k.revokedAt(), secret);
        }
    }
}
