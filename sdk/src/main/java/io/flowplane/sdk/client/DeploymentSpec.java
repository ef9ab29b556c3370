package io.flowplane.sdk.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.internal.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment as the control plane's upsert takes it. Build one from a flow with
 * {@link #forFlow}: the flow's name and parameter JSON Schema are filled in. Absent fields are
 * not sent, so the server's defaults apply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploymentSpec(String name, String flowName, String description, String workPool, String workQueue,
                             EntrypointSpec entrypoint, ObjectNode parameters, ObjectNode parameterSchema,
                             List<ScheduleSpec> schedules, String catchup, Integer catchupMaxRuns,
                             Double maxLatenessSeconds, Integer retries, List<Double> retryDelaysSeconds,
                             Double timeoutSeconds, List<String> tags, Integer concurrencyLimit, Boolean paused,
                             SourceSpec source, ObjectNode jobVariables) {

    public static Builder forFlow(Flow<?, ?> flow) {
        Builder b = new Builder();
        b.flowName = flow.name();
        b.name = flow.name();
        b.description = flow.description();
        b.parameterSchema = flow.parameterSchema();
        return b;
    }

    /** Catch-up policy for schedule slots missed while the scheduler was behind. */
    public enum Catchup { LATEST, ALL, NONE }

    /** Fluent construction; {@link #build} checks what the server would reject first. */
    public static final class Builder {
        private String name;
        private String flowName;
        private String description;
        private String workPool;
        private String workQueue;
        private final List<String> command = new ArrayList<>();
        private String workingDir;
        private final Map<String, String> env = new LinkedHashMap<>();
        private ObjectNode parameters;
        private ObjectNode parameterSchema;
        private final List<ScheduleSpec> schedules = new ArrayList<>();
        private String catchup;
        private Integer catchupMaxRuns;
        private Double maxLatenessSeconds;
        private Integer retries;
        private List<Double> retryDelaysSeconds;
        private Double timeoutSeconds;
        private List<String> tags;
        private Integer concurrencyLimit;
        private Boolean paused;
        private SourceSpec source;
        private ObjectNode jobVariables;

        private Builder() {
        }

        public Builder name(String v) { name = v; return this; }
        public Builder description(String v) { description = v; return this; }
        public Builder workPool(String v) { workPool = v; return this; }
        public Builder workQueue(String v) { workQueue = v; return this; }
        /** The command line the agent runs, e.g. {@code java -cp app.jar com.acme.Main}. */
        public Builder command(String... v) { command.clear(); command.addAll(List.of(v)); return this; }
        public Builder command(List<String> v) { command.clear(); command.addAll(v); return this; }
        public Builder workingDir(String v) { workingDir = v; return this; }
        public Builder env(String key, String value) { env.put(key, value); return this; }
        /** Default parameters: a parameter record (or any object Jackson maps to a JSON object). */
        public Builder parameters(Object v) { parameters = Json.MAPPER.valueToTree(v); return this; }
        public Builder schedule(ScheduleSpec v) { schedules.add(v); return this; }
        public Builder catchup(Catchup v) { catchup = v.name().toLowerCase(java.util.Locale.ROOT); return this; }
        public Builder catchupMaxRuns(int v) { catchupMaxRuns = v; return this; }
        public Builder maxLateness(Duration v) { maxLatenessSeconds = v.toMillis() / 1000.0; return this; }
        public Builder retries(int v) { retries = v; return this; }
        public Builder retryDelays(Duration... v) {
            retryDelaysSeconds = java.util.Arrays.stream(v).map(d -> d.toMillis() / 1000.0).toList();
            return this;
        }
        public Builder timeout(Duration v) { timeoutSeconds = v.toMillis() / 1000.0; return this; }
        public Builder tags(String... v) { tags = List.of(v); return this; }
        public Builder concurrencyLimit(int v) { concurrencyLimit = v; return this; }
        public Builder paused(boolean v) { paused = v; return this; }
        /** Where the agent fetches the code the command runs; the command starts in that code's directory. */
        public Builder source(SourceSpec v) { source = v; return this; }
        /**
         * For a kubernetes pool: overrides of its Job template's variables, e.g.
         * {@code Map.of("image", "acme/etl:2", "resources", Map.of("limits", Map.of("memory", "2Gi")))}.
         */
        public Builder jobVariables(Object v) { jobVariables = Json.MAPPER.valueToTree(v); return this; }

        public DeploymentSpec build() {
            if (workPool == null) {
                throw new IllegalStateException("a deployment needs a work pool");
            }
            if (command.isEmpty()) {
                throw new IllegalStateException("a deployment needs an entrypoint command");
            }
            EntrypointSpec entrypoint = new EntrypointSpec(List.copyOf(command), workingDir,
                    env.isEmpty() ? null : Map.copyOf(env));
            return new DeploymentSpec(name, flowName, description, workPool, workQueue, entrypoint, parameters,
                    parameterSchema, schedules.isEmpty() ? null : List.copyOf(schedules), catchup, catchupMaxRuns,
                    maxLatenessSeconds, retries, retryDelaysSeconds, timeoutSeconds, tags, concurrencyLimit, paused,
                    source, jobVariables);
        }
    }
}
