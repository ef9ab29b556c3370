package io.flowplane.controlplane.deployments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.schedules.ScheduleSpec;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A deployment as users register it (REST body, SDK, flowplane.yaml). Upserting the same spec
 * twice changes nothing. {@code paused} is state, not definition: absent means "leave as is".
 * {@code jobVariables}: overrides of a kubernetes pool's Job template variables (image, resources, ...).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentSpec(String name, String flowName, String description, String workPool, String workQueue,
                             EntrypointSpec entrypoint, ObjectNode parameters, ObjectNode parameterSchema,
                             List<ScheduleSpec> schedules, Integer retries, List<Double> retryDelaysSeconds,
                             Double timeoutSeconds, List<String> tags, Integer concurrencyLimit,
                             String catchup, Integer catchupMaxRuns, Double maxLatenessSeconds, Boolean paused,
                             SourceSpec source, ObjectNode jobVariables) {

    /** The same definition with other schedules. */
    public DeploymentSpec withSchedules(List<ScheduleSpec> other) {
        return new DeploymentSpec(name, flowName, description, workPool, workQueue, entrypoint, parameters,
                parameterSchema, other, retries, retryDelaysSeconds, timeoutSeconds, tags, concurrencyLimit, catchup,
                catchupMaxRuns, maxLatenessSeconds, paused, source, jobVariables);
    }

    /** The same definition with {@code paused} set (null: leave the deployment's state as it is). */
    public DeploymentSpec withPaused(Boolean value) {
        return new DeploymentSpec(name, flowName, description, workPool, workQueue, entrypoint, parameters,
                parameterSchema, schedules, retries, retryDelaysSeconds, timeoutSeconds, tags, concurrencyLimit, catchup,
                catchupMaxRuns, maxLatenessSeconds, value, source, jobVariables);
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
        return new DeploymentSpec(name, flowName, description, workPool,
                workQueue == null ? WorkQueue.DEFAULT : workQueue,
                entrypoint == null ? null : entrypoint.normalized(),
                parameters == null ? JsonNodeFactory.instance.objectNode() : parameters, parameterSchema,
                schedules == null ? List.of() : java.util.stream.IntStream.range(0, schedules.size())
                        .mapToObj(i -> schedules.get(i).normalized(i)).toList(),
                retries == null ? 0 : retries, retryDelaysSeconds == null ? List.of() : retryDelaysSeconds,
                timeoutSeconds, tags == null ? List.of() : tags, concurrencyLimit,
                Catchup.parse(catchup).name().toLowerCase(java.util.Locale.ROOT),
                catchupMaxRuns == null ? DEFAULT_CATCHUP_MAX_RUNS : catchupMaxRuns, maxLatenessSeconds, null,
                source == null ? null : source.normalized(), jobVariables);
    }

    public Catchup catchupPolicy() {
        return Catchup.parse(catchup);
    }

    /** Merged parameters of a run of {@code schedule}: the deployment's defaults, then its overrides. */
    public ObjectNode parametersFor(ScheduleSpec schedule) {
        ObjectNode merged = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
        if (schedule != null && schedule.parameters() != null) {
            merged.setAll(schedule.parameters());
        }
        return merged;
    }

    /** Checks every field; throws one ValidationException listing all problems. */
    public void validate() {
        Validator v = new Validator();
        v.name(name, "name").name(flowName, "flowName").name(workPool, "workPool");
        if (workQueue != null) {
            v.name(workQueue, "workQueue");
        }
        v.check(description == null || description.length() <= 2000, "description", "must be at most 2000 characters");
        validateEntrypoint(v);
        if (source != null) {
            source.validate(v);
        }
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
        v.check(concurrencyLimit == null || concurrencyLimit >= 1, "concurrencyLimit", "must be at least 1 (omit it for no limit)");
        if (tags != null) {
            for (int i = 0; i < tags.size(); i++) {
                String t = tags.get(i);
                v.check(t != null && !t.isBlank() && t.length() <= 100, "tags[" + i + "]", "must be 1-100 characters");
            }
        }
        validateCatchup(v);
        validateSchedules(v);
        ParameterSchema.validateSchema(v, parameterSchema, parameters);
        if (jobVariables != null) {
            // Overrides of a kubernetes pool's template variables; the pool's type is checked on upsert.
            io.flowplane.controlplane.pools.kubernetes.JobTemplate.validateVariables(jobVariables, "jobVariables", v);
        }
        v.throwIfInvalid();
    }

    private void validateCatchup(Validator v) {
        try {
            Catchup.parse(catchup);
        } catch (IllegalArgumentException e) {
            v.add("catchup", "must be one of latest, all, none");
        }
        v.check(catchupMaxRuns == null || (catchupMaxRuns >= 1 && catchupMaxRuns <= 10_000), "catchupMaxRuns",
                "must be between 1 and 10000");
        v.check(maxLatenessSeconds == null || (maxLatenessSeconds > 0 && maxLatenessSeconds <= 366 * 86400),
                "maxLatenessSeconds", "must be more than 0 and at most 31622400 (366 days)");
    }

    private void validateSchedules(Validator v) {
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
