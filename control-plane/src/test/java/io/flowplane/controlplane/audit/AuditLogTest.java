package io.flowplane.controlplane.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit log through the real REST API: each write leaves exactly one record with the key
 * that sent it and how it ended; refused writes too; only admins read it; state history names
 * the key behind a user's change.
 */
class AuditLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestControlPlane cp;

    @BeforeEach
    void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    @Test
    void everyWriteLeavesOneRecordWithItsKeyAndOutcome() throws Exception {
        JsonNode developer = createKey("dev", "developer");
        JsonNode viewer = createKey("look", "viewer");
        JsonNode old = createKey("old", "agent");
        expect(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"audited\"}"), 201);

        String dev = developer.get("key").asText();
        expect(cp.call("POST", "/api/v1/deployments", dev, """
                {"name":"nightly","flowName":"n","workPool":"audited","entrypoint":{"command":["true"]}}"""), 201);
        String runId = JSON.readTree(expect(cp.call("POST", "/api/v1/deployments/nightly/runs", dev, "{}"), 201))
                .get("id").asText();
        expect(cp.admin("DELETE", "/api/v1/api-keys/" + old.get("id").asText(), null), 200);
        expect(cp.call("POST", "/api/v1/work-pools", viewer.get("key").asText(), "{\"name\":\"nope\"}"), 403);
        expect(cp.call("POST", "/api/v1/work-pools", null, "{\"name\":\"anon\"}"), 401);
        // Reads are not audited; every API answer names its request id.
        HttpResponse<String> read = cp.call("GET", "/api/v1/deployments", dev, null);
        expect(read, 200);
        assertThat(read.headers().firstValue("X-Request-Id")).isPresent();

        // 3 key creations + pool + deploy + run + revocation + refused + unauthenticated.
        await().until(() -> all().size() == 9);
        List<JsonNode> events = all();

        List<JsonNode> byDeveloper = with(events, e -> e.path("keyId").asText().equals(developer.get("id").asText()));
        assertThat(byDeveloper).extracting(e -> e.get("method").asText() + " " + e.get("resource").asText() + " "
                        + e.get("status").asInt() + " " + e.get("outcome").asText())
                .containsExactlyInAnyOrder("POST /api/v1/deployments 201 succeeded",
                        "POST /api/v1/deployments/nightly/runs 201 succeeded");
        assertThat(byDeveloper).allSatisfy(e -> {
            assertThat(e.get("keyName").asText()).isEqualTo("dev");
            assertThat(e.get("role").asText()).isEqualTo("developer");
            assertThat(e.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(e.get("transport").asText()).isEqualTo("rest");
            assertThat(Instant.parse(e.get("at").asText())).isBefore(Instant.now().plusSeconds(1));
        });

        List<JsonNode> revocations = with(events, e -> e.get("method").asText().equals("DELETE"));
        assertThat(revocations).hasSize(1);
        assertThat(revocations.get(0).get("resource").asText()).isEqualTo("/api/v1/api-keys/" + old.get("id").asText());
        assertThat(revocations.get(0).get("keyName").asText()).isEqualTo("bootstrap-admin");
        assertThat(revocations.get(0).get("outcome").asText()).isEqualTo("succeeded");

        List<JsonNode> byViewer = with(events, e -> e.path("keyId").asText().equals(viewer.get("id").asText()));
        assertThat(byViewer).hasSize(1);
        assertThat(byViewer.get(0).get("status").asInt()).isEqualTo(403);
        assertThat(byViewer.get(0).get("outcome").asText()).isEqualTo("refused");
        assertThat(byViewer.get(0).get("resource").asText()).isEqualTo("/api/v1/work-pools");

        List<JsonNode> anonymous = with(events, e -> e.get("keyId").isNull());
        assertThat(anonymous).hasSize(1);
        assertThat(anonymous.get(0).get("status").asInt()).isEqualTo(401);

        // State history names the developer's key as the one behind the run's creation.
        JsonNode states = JSON.readTree(expect(cp.admin("GET", "/api/v1/flow-runs/" + runId + "/states", null), 200));
        assertThat(states.get(0).get("actor").asText()).isEqualTo("user");
        assertThat(states.get(0).get("actorKeyId").asText()).isEqualTo(developer.get("id").asText());

        // Admins only.
        expect(cp.call("GET", "/api/v1/audit-events", viewer.get("key").asText(), null), 403);
        expect(cp.call("GET", "/api/v1/audit-events", dev, null), 403);
        assertThat(expect(cp.admin("GET", "/api/v1/audit-events?cursor=abc", null), 422)).contains("cursor");
    }

    @Test
    void pagesAreNewestFirstAndRetentionDeletesOldEvents() throws Exception {
        for (int i = 0; i < 5; i++) {
            expect(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"p" + i + "\"}"), 201);
        }
        await().until(() -> all().size() == 5);
        List<JsonNode> all = all();
        assertThat(all).extracting(e -> e.get("resource").asText()).containsOnly("/api/v1/work-pools");
        assertThat(all).extracting(e -> e.get("id").asLong()).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        AuditLog log = new AuditLog(cp.services().core().store());
        assertThat(log.deleteBefore(Instant.parse(all.get(4).get("at").asText()))).isZero();
        assertThat(log.deleteBefore(Instant.now().plusSeconds(60))).isEqualTo(5);
        assertThat(all()).isEmpty();
    }

    private JsonNode createKey(String name, String role) throws Exception {
        return JSON.readTree(expect(cp.admin("POST", "/api/v1/api-keys",
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}"), 201));
    }

    /** Every event, read two per page to exercise the cursor. */
    private List<JsonNode> all() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(expect(cp.admin("GET", "/api/v1/audit-events?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), null), 200));
            page.get("items").forEach(out::add);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return out;
    }

    private static List<JsonNode> with(List<JsonNode> events, Predicate<JsonNode> p) {
        return events.stream().filter(p).toList();
    }

    private static String expect(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as("%s %s: %s", r.request().method(), r.request().uri(), r.body()).isEqualTo(status);
        return r.body();
    }
}
