package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's curl walk-through, as a test: pool, deployment, ad-hoc run, list, history. */
class RestFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestControlPlane cp;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    @Test
    void userCreatesPoolDeploysRunsAndReadsHistory() throws Exception {
        assertThat(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"etl\",\"concurrencyLimit\":5}").statusCode()).isEqualTo(201);
        String deployment = """
                {"name":"nightly","flowName":"etl","workPool":"etl",
                 "entrypoint":{"command":["sh","-c","echo hi"],"env":{"PASSWORD":"${secret:pw}"}},
                 "parameters":{"rows":10},
                 "parameterSchema":{"type":"object","properties":{"rows":{"type":"integer","minimum":1}}},
                 "retries":2,"retryDelaysSeconds":[10]}""";
        HttpResponse<String> created = cp.admin("POST", "/api/v1/deployments", deployment);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("change").asText()).isEqualTo("created");
        HttpResponse<String> again = cp.admin("POST", "/api/v1/deployments", deployment);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("change").asText()).isEqualTo("unchanged");

        HttpResponse<String> bad = cp.admin("POST", "/api/v1/deployments/nightly/runs", "{\"parameters\":{\"rows\":0}}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(bad.body()).contains("parameters.rows");

        HttpResponse<String> run = cp.admin("POST", "/api/v1/deployments/nightly/runs", "{\"parameters\":{\"rows\":3}}");
        assertThat(run.statusCode()).isEqualTo(201);
        JsonNode runJson = JSON.readTree(run.body());
        String id = runJson.get("id").asText();
        assertThat(runJson.at("/parameters/rows").asInt()).isEqualTo(3);
        assertThat(runJson.at("/state/type").asText()).isEqualTo("SCHEDULED");

        JsonNode list = JSON.readTree(cp.admin("GET", "/api/v1/flow-runs?deployment=nightly&state=SCHEDULED", null).body());
        assertThat(list.get("items")).hasSize(1);
        assertThat(list.at("/items/0/id").asText()).isEqualTo(id);

        JsonNode cancelled = JSON.readTree(cp.admin("POST", "/api/v1/flow-runs/" + id + "/cancel", null).body());
        assertThat(cancelled.at("/state/type").asText()).isEqualTo("CANCELLED");
        JsonNode history = JSON.readTree(cp.admin("GET", "/api/v1/flow-runs/" + id + "/states", null).body());
        assertThat(history).extracting(h -> h.get("type").asText()).containsExactly("SCHEDULED", "CANCELLED");

        JsonNode retried = JSON.readTree(cp.admin("POST", "/api/v1/flow-runs/" + id + "/retry", null).body());
        assertThat(retried.at("/state/name").asText()).isEqualTo("AwaitingRetry");
        assertThat(retried.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void cursorPagingVisitsEveryRunOnce() throws Exception {
        cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"paging\"}");
        cp.admin("POST", "/api/v1/deployments", """
                {"name":"paged","flowName":"p","workPool":"paging","entrypoint":{"command":["true"]}}""");
        for (int i = 0; i < 7; i++) {
            assertThat(cp.admin("POST", "/api/v1/deployments/paged/runs", "{}").statusCode()).isEqualTo(201);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            String q = "/api/v1/flow-runs?deployment=paged&limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = JSON.readTree(cp.admin("GET", q, null).body());
            page.get("items").forEach(r -> assertThat(seen.add(r.get("id").asText())).isTrue());
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(7);
        assertThat(pages).isEqualTo(3);
    }
}
