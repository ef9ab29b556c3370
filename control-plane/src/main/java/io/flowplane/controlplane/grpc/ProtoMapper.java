package io.flowplane.controlplane.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.specs.EntrypointSpec;
import io.flowplane.controlplane.specs.SourceSpec;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.events.EventAck;
import io.flowplane.controlplane.events.RunEvent;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.proto.v1.ArtifactSource;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.CodeSource;
import io.flowplane.proto.v1.GitSource;
import io.flowplane.proto.v1.Entrypoint;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.Rejection;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Wire ⇄ domain. No decisions here: the services decide. */
final class ProtoMapper {
    private final Json json;
    private final java.util.Map<String, Launch> launches = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, List<String>> tagLists = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, String> jobs = new java.util.concurrent.ConcurrentHashMap<>();

    ProtoMapper(Json json) {
        this.json = json;
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static Duration duration(java.time.Duration d) {
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    static java.time.Duration duration(Duration d) {
        return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw GrpcErrors.invalid(field + " must be a UUID, got '" + value + "'");
        }
    }

    /**
     * A claim as the agent gets it, still open for what only the reply knows (claimed_after).
     * {@code jobTemplate}: the pool's base Job template when it is a kubernetes pool, else null.
     */
    ClaimedRun.Builder claimed(ClaimService.Claimed c, String poolName, String jobTemplate) {
        FlowRun r = c.run();
        ClaimedRun.Builder b = ClaimedRun.newBuilder()
                .setRunId(r.id().toString())
                .setLeaseEpoch(r.lease().epoch())
                .setLeaseExpiresAt(timestamp(r.lease().expiresAt()))
                .setFlowName(r.origin().flowName())
                .setParametersJson(r.parameters())
                .setAttempt(r.attempt())
                .setScheduledAt(timestamp(r.times().scheduledAt()))
                .setPool(poolName)
                .addAllTags(tags(r.tags()));
        if (r.origin().scheduleId() != null) {
            b.setScheduleId(r.origin().scheduleId().toString());
        }
        if (r.origin().backfillId() != null) {
            b.setBackfillId(r.origin().backfillId().toString());
        }
        if (r.policy().timeoutMs() != null) {
            b.setTimeout(duration(java.time.Duration.ofMillis(r.policy().timeoutMs())));
        }
        if (c.deployment() != null) {
            Launch launch = launch(c.deployment().specHash(), c.deployment().spec());
            b.setDeploymentId(c.deployment().id().toString()).setDeploymentName(c.deployment().name())
                    .setQueue(launch.queue()).setEntrypoint(launch.entrypoint());
            if (launch.source() != null) {
                b.setSource(launch.source());
            }
            if (jobTemplate != null) {
                b.setKubernetesJobJson(job(jobTemplate, c.deployment().specHash(), launch.jobVariables()));
            }
        }
        return b;
    }

    /** What a claimed run carries from its deployment's spec. */
    private record Launch(String queue, Entrypoint entrypoint, CodeSource source,
                          com.fasterxml.jackson.databind.node.ObjectNode jobVariables) {
    }

    /** The resolved Job, once per (template, deployment spec) pair, like the launches. */
    private String job(String template, String specHash, com.fasterxml.jackson.databind.node.ObjectNode overrides) {
        String key = Json.sha256(template) + ":" + specHash;
        String cached = jobs.get(key);
        if (cached == null) {
            cached = io.flowplane.controlplane.pools.kubernetes.JobTemplate.resolve(json.tree(template), overrides).toString();
            remember(jobs, key, cached);
        }
        return cached;
    }

    /**
     * Specs and tag lists are parsed once per distinct value (keyed by the spec's content hash),
     * not once per claimed run: on the dispatch path the parse cost as much as the reply itself.
     */
    private Launch launch(String specHash, String specJson) {
        Launch cached = launches.get(specHash);
        if (cached == null) {
            DeploymentSpec spec = json.read(specJson, DeploymentSpec.class);
            cached = new Launch(spec.placement().workQueue(), entrypoint(spec.program().entrypoint()),
                    source(spec.program().source()), spec.placement().jobVariables());
            remember(launches, specHash, cached);
        }
        return cached;
    }

    private List<String> tags(String tagsJson) {
        List<String> cached = tagLists.get(tagsJson);
        if (cached == null) {
            cached = List.of(json.read(tagsJson, String[].class));
            remember(tagLists, tagsJson, cached);
        }
        return cached;
    }

    private static <V> void remember(java.util.Map<String, V> cache, String key, V value) {
        if (cache.size() >= 4096) {
            cache.clear();
        }
        cache.put(key, value);
    }

    private static Entrypoint entrypoint(EntrypointSpec e) {
        Entrypoint.Builder b = Entrypoint.newBuilder().addAllCommand(e.command());
        if (e.workingDir() != null) {
            b.setWorkingDir(e.workingDir());
        }
        if (e.env() != null) {
            b.putAllEnv(e.env());
        }
        return b.build();
    }

    private static CodeSource source(SourceSpec s) {
        if (s == null) {
            return null;
        }
        CodeSource.Builder b = CodeSource.newBuilder();
        if (s.git() != null) {
            b.setGit(GitSource.newBuilder().setUrl(s.git().url())
                    .setRef(s.git().ref() == null ? SourceSpec.DEFAULT_REF : s.git().ref()));
        } else {
            b.setArtifact(ArtifactSource.newBuilder().setUrl(s.artifact().url()).setSha256(s.artifact().sha256()));
        }
        if (s.credentials() != null) {
            b.setCredentials(s.credentials());
        }
        return b.build();
    }

    static RunEvent event(io.flowplane.proto.v1.RunEvent e) {
        UUID runId;
        try {
            runId = UUID.fromString(e.getRunId());
        } catch (IllegalArgumentException bad) {
            throw GrpcErrors.invalid("events[seq=" + e.getSeq() + "].run_id must be a UUID, got '" + e.getRunId() + "'");
        }
        Instant at = e.hasOccurredAt() ? occurredAt(e) : null;
        return new RunEvent(e.getSeq(), runId, e.getLeaseEpoch(), at, body(e));
    }

    /** An agent's clock can be wrong, but an instant the store cannot hold is bad input, not an internal error. */
    private static Instant occurredAt(io.flowplane.proto.v1.RunEvent e) {
        try {
            Instant at = instant(e.getOccurredAt());
            if (io.flowplane.controlplane.common.Validator.inRange(at)) {
                return at;
            }
        } catch (java.time.DateTimeException outside) {
            // falls through to the same answer
        }
        throw GrpcErrors.invalid("events[seq=" + e.getSeq() + "].occurred_at must be between 1970 and 9999");
    }

    private static RunEvent.Body body(io.flowplane.proto.v1.RunEvent e) {
        switch (e.getBodyCase()) {
            case STATE -> {
                var s = e.getState();
                return new RunEvent.State(stateType(s.getType(), e.getSeq()), emptyToNull(s.getName()),
                        emptyToNull(s.getMessage()), emptyToNull(s.getIdempotencyId()), codeVersion(s.getCodeVersion()));
            }
            case TASK_RUN -> {
                var t = e.getTaskRun();
                return new RunEvent.TaskRunReport(uuid(t.getTaskRunId(), "task_run.task_run_id"), t.getTaskKey(),
                        t.getName().isEmpty() ? t.getTaskKey() : t.getName(), stateType(t.getType(), e.getSeq()),
                        emptyToNull(t.getStateName()), emptyToNull(t.getMessage()), emptyToNull(t.getCacheKey()),
                        emptyToNull(t.getResultUri()), emptyToNull(t.getResultHash()), Math.max(1, t.getAttempt()),
                        t.getTagsList());
            }
            case LOG -> {
                var l = e.getLog();
                return log(l.getTaskRunId(), l.getStream(), l.getLevel(), l.getMessage());
            }
            case LOG_LINES -> {
                var group = e.getLogLines();
                RunEvent.Log first = log(group.getTaskRunId(), group.getStream(), group.getLevel(), "");
                List<RunEvent.Log> lines = new java.util.ArrayList<>(group.getMessagesCount());
                for (String message : group.getMessagesList()) {
                    lines.add(new RunEvent.Log(first.taskRunId(), first.stream(), first.level(), message));
                }
                return new RunEvent.Logs(lines);
            }
            case ARTIFACT -> {
                var a = e.getArtifact();
                UUID task = a.getTaskRunId().isEmpty() ? null : uuid(a.getTaskRunId(), "artifact.task_run_id");
                if (!List.of("markdown", "table", "link").contains(a.getType())) {
                    throw GrpcErrors.invalid("artifact.type must be markdown, table or link (event seq " + e.getSeq() + ")");
                }
                return new RunEvent.ArtifactReport(task, emptyToNull(a.getKey()), a.getType(),
                        emptyToNull(a.getDescription()), a.getData());
            }
            case HEARTBEAT -> {
                return new RunEvent.Heartbeat();
            }
            default -> throw GrpcErrors.invalid("event seq " + e.getSeq() + " has no body");
        }
    }

    private static RunEvent.Log log(String taskRunId, LogStream logStream, String logLevel, String message) {
        UUID task = taskRunId.isEmpty() ? null : uuid(taskRunId, "log.task_run_id");
        String stream = logStream == LogStream.LOG_STREAM_UNSPECIFIED || logStream == LogStream.UNRECOGNIZED
                ? "LOGGER" : logStream.name();
        String level = logLevel.isEmpty() ? "INFO" : levelOf(logLevel);
        return new RunEvent.Log(task, stream, level, message);
    }

    /** Upper case, at most 8 characters; the usual levels without a new string per line. */
    private static String levelOf(String level) {
        return switch (level) {
            case "INFO", "WARN", "ERROR", "DEBUG", "TRACE" -> level;
            default -> {
                String upper = level.toUpperCase(Locale.ROOT);
                yield upper.length() > 8 ? upper.substring(0, 8) : upper;
            }
        };
    }

    private static StateType stateType(io.flowplane.proto.v1.StateType t, long seq) {
        if (t == io.flowplane.proto.v1.StateType.STATE_TYPE_UNSPECIFIED || t == io.flowplane.proto.v1.StateType.UNRECOGNIZED) {
            throw GrpcErrors.invalid("event seq " + seq + " has no state type");
        }
        return StateType.valueOf(t.name());
    }

    static io.flowplane.proto.v1.EventAck ack(EventAck ack) {
        var b = io.flowplane.proto.v1.EventAck.newBuilder().setAckedSeq(ack.ackedSeq());
        for (EventAck.Rejection r : ack.rejections()) {
            b.addRejections(Rejection.newBuilder().setSeq(r.seq()).setRunId(r.runId().toString())
                    .setReason(Rejection.Reason.valueOf(r.reason().name())).setMessage(r.message()));
        }
        return b.build();
    }

    /** What the agent says it started: "git:" or "sha256:" and a hex id; anything else is refused. */
    private static String codeVersion(String v) {
        if (v.isEmpty()) {
            return null;
        }
        if (!v.matches("(git:[0-9a-f]{40,64}|sha256:[0-9a-f]{64})")) {
            throw GrpcErrors.invalid("state.code_version must be git:<commit> or sha256:<hex>, got '"
                    + (v.length() > 80 ? v.substring(0, 80) + "…" : v) + "'");
        }
        return v;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
