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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentSpec(String name, String flowName, String description, String workPool, String workQueue,
                             EntrypointSpec entrypoint, ObjectNode parameters, ObjectNode parameterSchema,
                             List<ScheduleSpec> schedules, Integer retries, List<Double> retryDelaysSeconds,
                             Double timeoutSeconds, List<String> tags, Integer concurrencyLimit, Boolean paused) {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Defaults filled in, {@code paused} dropped: the form that is hashed and stored. */
    public DeploymentSpec normalized() {
        return new DeploymentSpec(name, flowName, description, workPool,
                workQueue == null ? WorkQueue.DEFAULT : workQueue,
                entrypoint == null ? null : entrypoint.normalized(),
                parameters == null ? JsonNodeFactory.instance.objectNode() : parameters, parameterSchema,
                schedules == null ? List.of() : schedules.stream().map(ScheduleSpec::normalized).toList(),
                retries == null ? 0 : retries, retryDelaysSeconds == null ? List.of() : retryDelaysSeconds,
                timeoutSeconds, tags == null ? List.of() : tags, concurrencyLimit, null);
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
        if (schedules != null) {
            for (int i = 0; i < schedules.size(); i++) {
                ScheduleSpec s = schedules.get(i);
                if (s == null) {
                    v.add("schedules[" + i + "]", "must be an object");
                } else {
                    s.validate(v, "schedules[" + i + "]");
                }
            }
        }
        ParameterSchema.validateSchema(v, parameterSchema, parameters);
        v.throwIfInvalid();
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
