package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.dropwizard.jackson.Jackson;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.StrictUnwrapping;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The records behind REST bodies are grouped in Java but flat on the wire: these pin the JSON
 * field names to the ones clients and stored rows have always used.
 */
class FlatJsonTest {
    /** Configured as ControlPlaneApplication configures the REST and store mapper. */
    private static final ObjectMapper MAPPER = Jackson.newObjectMapper()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .registerModule(new StrictUnwrapping());
    private static final Json JSON = new Json(MAPPER);

    private static final String FULL_SPEC = """
            {"name":"etl","flowName":"etl-flow","description":"nightly","workPool":"p","workQueue":"q",
             "entrypoint":{"command":["run"],"env":{"A":"1"}},"parameters":{"x":1},"parameterSchema":{"type":"object"},
             "schedules":[{"cron":"0 * * * *","parameters":{"x":2}},{"intervalSeconds":60.0}],"retries":2,"retryDelaysSeconds":[10.0,60.0],"timeoutSeconds":30.0,
             "tags":["a"],"concurrencyLimit":3,"catchup":"all","catchupMaxRuns":5,"maxLatenessSeconds":60.0,
             "paused":true,"source":{"git":{"url":"https://example.org/r.git","ref":"main"}},
             "jobVariables":{"image":"i"}}""";

    @Test
    void deploymentSpecReadsAndWritesTheFlatFields() throws Exception {
        DeploymentSpec spec = MAPPER.readValue(FULL_SPEC, DeploymentSpec.class);
        assertThat(spec.policy().retries()).isEqualTo(2);
        assertThat(spec.placement().concurrencyLimit()).isEqualTo(3);
        assertThat(spec.scheduling().catchupMaxRuns()).isEqualTo(5);
        assertThat(spec.program().parameters().get("x").asInt()).isEqualTo(1);

        JsonNode written = MAPPER.valueToTree(spec);
        assertThat(names(written)).containsExactlyElementsOf(new TreeSet<>(List.of("name", "flowName", "description",
                "workPool", "workQueue", "entrypoint", "parameters", "parameterSchema", "schedules", "retries",
                "retryDelaysSeconds", "timeoutSeconds", "tags", "concurrencyLimit", "catchup", "catchupMaxRuns",
                "maxLatenessSeconds", "paused", "source", "jobVariables")));
        assertThat(written).isEqualTo(MAPPER.readTree(FULL_SPEC));
        assertThat(MAPPER.treeToValue(written, DeploymentSpec.class)).isEqualTo(spec);
    }

    @Test
    void deploymentSpecLeavesAbsentFieldsOut() throws Exception {
        DeploymentSpec spec = MAPPER.readValue("{\"name\":\"n\"}", DeploymentSpec.class);
        assertThat(MAPPER.writeValueAsString(spec)).isEqualTo("{\"name\":\"n\"}");
    }

    /**
     * The stored spec and its hash: an unchanged spec must keep the hash of rows written before the
     * grouping (else every re-upsert would count as a change). Both values were computed by the
     * flat DeploymentSpec of commit 9d7cd87.
     */
    @Test
    void canonicalFormAndHashAreThoseOfTheFlatRecord() throws Exception {
        String body = "{\"name\":\"n\",\"flowName\":\"f\",\"workPool\":\"p\",\"entrypoint\":{\"command\":[\"true\"]}}";
        DeploymentSpec spec = MAPPER.readValue(body, DeploymentSpec.class);
        assertThat(JSON.canonical(spec.normalized())).isEqualTo("{\"catchup\":\"latest\",\"catchupMaxRuns\":100,"
                + "\"entrypoint\":{\"command\":[\"true\"],\"env\":{}},\"flowName\":\"f\",\"name\":\"n\","
                + "\"parameters\":{},\"retries\":0,\"retryDelaysSeconds\":[],\"schedules\":[],\"tags\":[],"
                + "\"workPool\":\"p\",\"workQueue\":\"default\"}");
        DeploymentSpec full = MAPPER.readValue(FULL_SPEC, DeploymentSpec.class);
        assertThat(Json.sha256(JSON.canonical(full.normalized())))
                .isEqualTo("902a708ccb1f2b42e99bc8719d4d2f6fd8ad46a46a381289a8c0e5f823d88901");
    }

    @Test
    void unknownDeploymentFieldIsRefusedWithTheFlatKnownFields() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"name\":\"n\",\"retires\":2}", DeploymentSpec.class))
                .isInstanceOfSatisfying(UnrecognizedPropertyException.class, e -> {
                    assertThat(JsonErrors.describe(e).field()).isEqualTo("retires");
                    assertThat(e.getKnownPropertyIds()).hasSize(20).contains("retries", "schedules", "jobVariables");
                });
        assertThatThrownBy(() -> MAPPER.readValue("{\"name\":\"n\",\"entrypoint\":{\"cmd\":[]}}", DeploymentSpec.class))
                .isInstanceOfSatisfying(UnrecognizedPropertyException.class,
                        e -> assertThat(JsonErrors.describe(e).field()).isEqualTo("entrypoint.cmd"));
    }

    @Test
    void wrongTypeInAGroupNamesTheFlatField() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"retryDelaysSeconds\":\"x\"}", DeploymentSpec.class))
                .satisfies(e -> assertThat(JsonErrors.describe((com.fasterxml.jackson.core.JsonProcessingException) e))
                        .isEqualTo(new JsonErrors.Described("retryDelaysSeconds", "must be an array of numbers")));
    }

    @Test
    void flowRunViewIsFlat() throws Exception {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        FlowRun run = new FlowRun(UUID.randomUUID(), "r", new FlowRun.Origin(UUID.randomUUID(), "d", "f",
                UUID.randomUUID(), null, null), FlowRun.Placement.NONE, "{\"x\":1}", "[\"t\"]",
                new FlowRun.State(StateType.RUNNING, "Running", null, at), at.plusSeconds(30), 2,
                new FlowRun.Policy(3, "[]", null), new FlowRun.Lease("agent-1", 7, at.plusSeconds(30)),
                new FlowRun.Times(at, at, at, null, null), 0);
        Views.FlowRunView view = Views.FlowRunView.of(run, JSON, "v1");

        JsonNode written = MAPPER.valueToTree(view);
        assertThat(names(written)).containsExactlyElementsOf(new TreeSet<>(List.of("id", "name", "deploymentId",
                "deploymentName", "flowName", "parameters", "tags", "state", "scheduledAt", "nextAt", "attempt",
                "maxRetries", "agentId", "leaseEpoch", "startedAt", "endedAt", "createdAt", "scheduleId", "backfillId",
                "codeVersion")));
        assertThat(written.get("attempt").asInt()).isEqualTo(2);
        assertThat(written.get("leaseEpoch").asLong()).isEqualTo(7);
        assertThat(written.get("nextAt").asText()).isEqualTo("2026-03-01T10:00:30Z");
        assertThat(written.has("backfillId") && written.get("backfillId").isNull()).isTrue();
        assertThat(MAPPER.treeToValue(written, Views.FlowRunView.class)).isEqualTo(view);
    }

    @Test
    void backfillViewIsFlat() throws Exception {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        var view = new BackfillResource.BackfillView(UUID.randomUUID(), UUID.randomUUID(), at, at.plusSeconds(3600),
                "hourly", 2, "running", new BackfillResource.BackfillView.Counts(6, 1, 1, 1, 1, 1, 1), at, null);

        JsonNode written = MAPPER.valueToTree(view);
        assertThat(names(written)).containsExactlyElementsOf(new TreeSet<>(List.of("id", "deploymentId", "from", "to",
                "schedule", "maxActive", "state", "total", "completed", "failed", "cancelled", "running", "scheduled",
                "waiting", "createdAt", "endedAt")));
        assertThat(written.get("total").asLong()).isEqualTo(6);
        assertThat(MAPPER.treeToValue(written, BackfillResource.BackfillView.class)).isEqualTo(view);
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
