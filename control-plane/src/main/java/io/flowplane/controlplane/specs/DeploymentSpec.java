package io.flowplane.controlplane.specs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.WorkQueue;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A deployment as users register it (REST body, SDK, flowplane.yaml). Upserting the same spec
 * twice changes nothing. {@code paused} is state, not definition: absent means "leave as is".
 * On the wire the groups are unwrapped: the JSON stays one flat object (see {@code StrictUnwrapping}
 * for why unknown fields are still refused).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentSpec(String name, String flowName, String description, List<String> tags,
                             @JsonUnwrapped Placement placement, @JsonUnwrapped Program program,
                             @JsonUnwrapped Policy policy, @JsonUnwrapped Scheduling scheduling, Boolean paused) {

    /** A group left out reads as all its fields absent, as it does from JSON. */
    public DeploymentSpec {
        placement = placement == null ? Placement.NONE : placement;
        program = program == null ? Program.NONE : program;
        policy = policy == null ? Policy.NONE : policy;
        scheduling = scheduling == null ? Scheduling.NONE : scheduling;
    }

    /**
     * Where its runs go and how many at once.
     *
     * @param jobVariables overrides of a kubernetes pool's Job template variables (image, resources, ...)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Placement(String workPool, String workQueue, Integer concurrencyLimit, ObjectNode jobVariables) {
        public static final Placement NONE = new Placement(null, null, null, null);
    }

    /** What a run executes: the command, where its code comes from, and its parameters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Program(EntrypointSpec entrypoint, SourceSpec source, ObjectNode parameters,
                          ObjectNode parameterSchema) {
        public static final Program NONE = new Program(null, null, null, null);
    }

    /** Retries and timeout, copied into each run when it is created ({@code FlowRun.Policy}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Policy(Integer retries, List<Double> retryDelaysSeconds, Double timeoutSeconds) {
        public static final Policy NONE = new Policy(null, null, null);
    }

    /** When runs are made: the schedules, and what happens to instants that were missed or are late. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scheduling(List<ScheduleSpec> schedules, String catchup, Integer catchupMaxRuns,
                             Double maxLatenessSeconds) {
        public static final Scheduling NONE = new Scheduling(null, null, null, null);

        public Catchup catchupPolicy() {
            return Catchup.parse(catchup);
        }
    }

    /** The same definition with other schedules. */
    public DeploymentSpec withSchedules(List<ScheduleSpec> other) {
        Scheduling s = scheduling;
        return new DeploymentSpec(name, flowName, description, tags, placement, program, policy,
                new Scheduling(other, s.catchup(), s.catchupMaxRuns(), s.maxLatenessSeconds()), paused);
    }

    /** The same definition with {@code paused} set (null: leave the deployment's state as it is). */
    public DeploymentSpec withPaused(Boolean value) {
        return new DeploymentSpec(name, flowName, description, tags, placement, program, policy, scheduling, value);
    }

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** What happens to scheduled instants that were missed (control plane down, paused, no agent). */
    public enum Catchup {
        /** Run once, for the most recent missed instant. */
        LATEST,
        /** Run every missed instant (the most recent {@code catchupMaxRuns}). */
        ALL,
        /** Run none of them. */
        NONE;

        public static Catchup parse(String value) {
            return value == null ? LATEST : valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static final int DEFAULT_CATCHUP_MAX_RUNS = 100;

    /** Defaults filled in, {@code paused} dropped: the form that is hashed and stored. */
    public DeploymentSpec normalized() {
        Placement pl = placement;
        Program pr = program;
        Policy po = policy;
        Scheduling sc = scheduling;
        List<ScheduleSpec> schedules = sc.schedules() == null ? List.of()
                : java.util.stream.IntStream.range(0, sc.schedules().size())
                        .mapToObj(i -> sc.schedules().get(i).normalized(i)).toList();
        return new DeploymentSpec(name, flowName, description, tags == null ? List.of() : tags,
                new Placement(pl.workPool(), pl.workQueue() == null ? WorkQueue.DEFAULT : pl.workQueue(),
                        pl.concurrencyLimit(), pl.jobVariables()),
                new Program(pr.entrypoint() == null ? null : pr.entrypoint().normalized(),
                        pr.source() == null ? null : pr.source().normalized(),
                        pr.parameters() == null ? JsonNodeFactory.instance.objectNode() : pr.parameters(),
                        pr.parameterSchema()),
                new Policy(po.retries() == null ? 0 : po.retries(),
                        po.retryDelaysSeconds() == null ? List.of() : po.retryDelaysSeconds(), po.timeoutSeconds()),
                new Scheduling(schedules, Catchup.parse(sc.catchup()).name().toLowerCase(java.util.Locale.ROOT),
                        sc.catchupMaxRuns() == null ? DEFAULT_CATCHUP_MAX_RUNS : sc.catchupMaxRuns(),
                        sc.maxLatenessSeconds()),
                null);
    }

    /** Merged parameters of a run of {@code schedule}: the deployment's defaults, then its overrides. */
    public ObjectNode parametersFor(ScheduleSpec schedule) {
        ObjectNode parameters = program.parameters();
        ObjectNode merged = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
        if (schedule != null && schedule.parameters() != null) {
            merged.setAll(schedule.parameters());
        }
        return merged;
    }

    /** Checks every field; throws one ValidationException listing all problems. */
    public void validate() {
        Validator v = new Validator();
        v.name(name, "name").name(flowName, "flowName").name(placement.workPool(), "workPool");
        if (placement.workQueue() != null) {
            v.name(placement.workQueue(), "workQueue");
        }
        v.check(description == null || description.length() <= 2000, "description", "must be at most 2000 characters");
        validateEntrypoint(v);
        if (program.source() != null) {
            program.source().validate(v);
        }
        validatePolicy(v);
        v.check(placement.concurrencyLimit() == null || placement.concurrencyLimit() >= 1, "concurrencyLimit",
                "must be at least 1 (omit it for no limit)");
        if (tags != null) {
            for (int i = 0; i < tags.size(); i++) {
                String t = tags.get(i);
                v.check(t != null && !t.isBlank() && t.length() <= 100, "tags[" + i + "]", "must be 1-100 characters");
            }
        }
        validateCatchup(v);
        validateSchedules(v);
        ParameterSchema.validateSchema(v, program.parameterSchema(), program.parameters());
        if (placement.jobVariables() != null) {
            // Overrides of a kubernetes pool's template variables; the pool's type is checked on upsert.
            io.flowplane.controlplane.pools.kubernetes.JobTemplate.validateVariables(placement.jobVariables(),
                    "jobVariables", v);
        }
        v.throwIfInvalid();
    }

    private void validatePolicy(Validator v) {
        Integer retries = policy.retries();
        List<Double> retryDelaysSeconds = policy.retryDelaysSeconds();
        Double timeoutSeconds = policy.timeoutSeconds();
        v.check(retries == null || (retries >= 0 && retries <= 1000), "retries", "must be between 0 and 1000");
        if (retryDelaysSeconds != null) {
            for (int i = 0; i < retryDelaysSeconds.size(); i++) {
                Double d = retryDelaysSeconds.get(i);
                v.check(d != null && d >= 0 && d <= 366 * 86400, "retryDelaysSeconds[" + i + "]",
                        "must be between 0 and 31622400 seconds");
            }
        }
        v.check(timeoutSeconds == null || (timeoutSeconds > 0 && timeoutSeconds <= 366 * 86400), "timeoutSeconds",
                "must be more than 0 and at most 31622400 (366 days)");
    }

    private void validateCatchup(Validator v) {
        Integer catchupMaxRuns = scheduling.catchupMaxRuns();
        Double maxLatenessSeconds = scheduling.maxLatenessSeconds();
        try {
            Catchup.parse(scheduling.catchup());
        } catch (IllegalArgumentException e) {
            v.add("catchup", "must be one of latest, all, none");
        }
        v.check(catchupMaxRuns == null || (catchupMaxRuns >= 1 && catchupMaxRuns <= 10_000), "catchupMaxRuns",
                "must be between 1 and 10000");
        v.check(maxLatenessSeconds == null || (maxLatenessSeconds > 0 && maxLatenessSeconds <= 366 * 86400),
                "maxLatenessSeconds", "must be more than 0 and at most 31622400 (366 days)");
    }

    private void validateSchedules(Validator v) {
        List<ScheduleSpec> schedules = scheduling.schedules();
        ObjectNode parameterSchema = program.parameterSchema();
        if (schedules == null) {
            return;
        }
        v.check(schedules.size() <= 100, "schedules", "at most 100 schedules per deployment");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < schedules.size(); i++) {
            ScheduleSpec s = schedules.get(i);
            String path = "schedules[" + i + "]";
            if (s == null) {
                v.add(path, "must be an object");
                continue;
            }
            s.validate(v, path);
            String key = s.normalized(i).name();
            v.check(names.add(key), path + ".name", "'" + key + "' is used by another schedule of this deployment");
            if (s.parameters() != null && parameterSchema != null && v.ok()) {
                ParameterSchema.validateInto(v, path + ".", parameterSchema, parametersFor(s));
            }
        }
    }

    private void validateEntrypoint(Validator v) {
        EntrypointSpec entrypoint = program.entrypoint();
        if (entrypoint == null) {
            v.add("entrypoint", "is required");
            return;
        }
        List<String> command = entrypoint.command();
        v.check(command != null && !command.isEmpty() && command.stream().allMatch(c -> c != null && !c.isEmpty()),
                "entrypoint.command", "must be a non-empty list of non-empty strings");
        if (entrypoint.env() != null) {
            entrypoint.env().forEach((k, val) -> {
                v.check(ENV_NAME.matcher(k).matches(), "entrypoint.env." + k, "is not a valid environment variable name");
                v.check(val != null, "entrypoint.env." + k, "must be a string");
            });
        }
    }
}
