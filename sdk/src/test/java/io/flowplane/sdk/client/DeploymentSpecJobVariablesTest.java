package io.flowplane.sdk.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.sdk.internal.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A kubernetes deployment's Job variable overrides are sent as the control plane takes them, and absent otherwise. */
class DeploymentSpecJobVariablesTest {
    @Test
    void jobVariablesAreSentOnlyWhenSet() {
        DeploymentSpec k8s = spec(Json.MAPPER.valueToTree(Map.of("image", "acme/etl:2",
                "resources", Map.of("limits", Map.of("memory", "2Gi")))));
        JsonNode json = Json.MAPPER.valueToTree(k8s);
        assertThat(json.at("/jobVariables/image").asText()).isEqualTo("acme/etl:2");
        assertThat(json.at("/jobVariables/resources/limits/memory").asText()).isEqualTo("2Gi");
        JsonNode plain = Json.MAPPER.valueToTree(spec(null));
        assertThat(plain.has("jobVariables")).isFalse();
        assertThat(plain.get("workPool").asText()).isEqualTo("k8s");
    }

    private static DeploymentSpec spec(com.fasterxml.jackson.databind.node.ObjectNode jobVariables) {
        return new DeploymentSpec("etl", "etl", null, "k8s", null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, jobVariables);
    }
}
