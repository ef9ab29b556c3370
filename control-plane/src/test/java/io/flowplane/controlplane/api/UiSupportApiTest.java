package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoints the web UI reads beyond the resources: who the key is, run aggregates, the change feed. */
class UiSupportApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = TestControlPlane.ADMIN_KEY;
    /** Each event source numbers its events 1, 2, 3, … (a gap is not applied). */
    static final java.util.Map<String, AtomicLong> SEQ = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    static Path dir;
    static MutableClock clock = new MutableClock(Instant.parse("2026-06-10T10:00:00Z"));
    static TestControlPlane cp;
    static GrpcTestClient grpc;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, clock);
        grpc = new GrpcTestClient(cp.grpcPort());
    }

    @AfterAll
    static void stop() {
        grpc.close();
        cp.close();
    }

    static JsonNode call(String method, String path, String key, String body, int expected) throws Exception {
        HttpResponse<String> r = cp.call(method, path, key, body);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    static void deployment(String name, String pool) throws Exception {
        call("POST", "/api/v1/work-pools", ADMIN, "{\"name\":\"" + pool + "\"}", 201);
        call("POST", "/api/v1/deployments", ADMIN, "{\"name\":\"" + name + "\",\"flowName\":\"f\",\"workPool\":\"" + pool
                + "\",\"entrypoint\":{\"command\":[\"true\"]}}", 201);
    }

    static String run(String deployment) throws Exception {
        return call("POST", "/api/v1/deployments/" + deployment + "/runs", ADMIN, "{}", 201).get("id").asText();
    }

    /** Claims the pool's next run as an agent and reports it RUNNING, then {@code end} (null: stays running). */
    static String claimAndEnd(String pool, StateType end) {
        String agent = "agent-" + pool;
        grpc.agent(ADMIN).register(RegisterRequest.newBuilder().setAgentId(agent).setName(agent).addPools(pool)
                .setSlots(4).setVersion("test").setHostname("localhost").build());
        ClaimedRun claim = grpc.agent(ADMIN).pollWork(PollWorkRequest.newBuilder().setAgentId(agent).setPool(pool)
                .setMaxRuns(1).build()).getRuns(0);
        AtomicLong seq = SEQ.computeIfAbsent(agent, k -> new AtomicLong());
        EventBatch.Builder b = EventBatch.newBuilder().setSourceId(agent)
                .addEvents(GrpcTestClient.state(seq.incrementAndGet(), claim.getRunId(), claim.getLeaseEpoch(), StateType.RUNNING));
        if (end != null) {
            b.addEvents(GrpcTestClient.state(seq.incrementAndGet(), claim.getRunId(), claim.getLeaseEpoch(), end));
        }
        grpc.events(ADMIN).sendEvents(b.build());
        return claim.getRunId();
    }

    @Test
    void whoamiNamesTheRoleAndWhatItMayDo() throws Exception {
        JsonNode admin = call("GET", "/api/v1/whoami", ADMIN, null, 200);
        assertThat(admin.get("role").asText()).isEqualTo("admin");
        assertThat(admin.get("permissions").toString()).contains("\"write\"", "\"admin\"");
        String viewer = call("POST", "/api/v1/api-keys", ADMIN, "{\"name\":\"v\",\"role\":\"viewer\"}", 201).get("key").asText();
        JsonNode v = call("GET", "/api/v1/whoami", viewer, null, 200);
        assertThat(v.get("name").asText()).isEqualTo("v");
        assertThat(v.get("permissions").toString()).isEqualTo("[\"read\"]");
        String agent = call("POST", "/api/v1/api-keys", ADMIN, "{\"name\":\"a\",\"role\":\"agent\"}", 201).get("key").asText();
        call("GET", "/api/v1/whoami", agent, null, 403);
        call("GET", "/api/v1/whoami", null, null, 401);
    }

    @Test
    void countsByStateFollowTheRunsOfADeployment() throws Exception {
        deployment("counted", "counted-pool");
        String a = run("counted");
        run("counted");
        run("counted");
        call("POST", "/api/v1/flow-runs/" + a + "/cancel", ADMIN, null, 200);
        JsonNode c = call("GET", "/api/v1/run-stats/counts?deployment=counted", ADMIN, null, 200);
        assertThat(c.get("total").asLong()).isEqualTo(3);
        assertThat(c.get("byType").get("SCHEDULED").asLong()).isEqualTo(2);
        assertThat(c.get("byType").get("CANCELLED").asLong()).isEqualTo(1);
        assertThat(c.get("byName").get("Scheduled").asLong()).isEqualTo(2);
        JsonNode none = call("GET", "/api/v1/run-stats/counts?deployment=counted&created-after="
                + clock.instant().plusSeconds(1), ADMIN, null, 200);
        assertThat(none.get("total").asLong()).isZero();
        JsonNode bad = call("GET", "/api/v1/run-stats/counts?created-after=yesterday", ADMIN, null, 422);
        assertThat(bad.toString()).contains("created-after");
        // Instants the store cannot hold are refused like on the runs list, not a 500.
        for (String far : new String[]{"%2B999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z"}) {
            for (String param : new String[]{"created-after", "created-before"}) {
                JsonNode outOfRange = call("GET", "/api/v1/run-stats/counts?" + param + "=" + far, ADMIN, null, 422);
                assertThat(outOfRange.path("errors").get(0).path("field").asText()).isEqualTo(param);
                assertThat(outOfRange.path("detail").asText()).contains("between 1970 and 9999");
            }
        }
    }

    @Test
    void theTagFilterMatchesWholeTagsInTheListAndTheCounts() throws Exception {
        deployment("tagged", "tagged-pool");
        String nightly = tagged("[\"nightly\", \"team:data\"]");
        String nightlyish = tagged("[\"nightly-backup\"]");
        String odd = tagged("[\"50%_\\\"done\\\"\"]");
        run("tagged");

        assertThat(ids(call("GET", "/api/v1/flow-runs?deployment=tagged&tag=nightly", ADMIN, null, 200)))
                .as("a whole tag, not a prefix of another").containsExactly(nightly);
        assertThat(ids(call("GET", "/api/v1/flow-runs?tag=team%3Adata", ADMIN, null, 200))).containsExactly(nightly);
        assertThat(ids(call("GET", "/api/v1/flow-runs?tag=nightly-backup", ADMIN, null, 200))).containsExactly(nightlyish);
        assertThat(ids(call("GET", "/api/v1/flow-runs?tag=" + java.net.URLEncoder.encode("50%_\"done\"",
                java.nio.charset.StandardCharsets.UTF_8), ADMIN, null, 200)))
                .as("LIKE wildcards and quotes in a tag match literally").containsExactly(odd);
        assertThat(ids(call("GET", "/api/v1/flow-runs?tag=50", ADMIN, null, 200))).isEmpty();
        assertThat(call("GET", "/api/v1/run-stats/counts?deployment=tagged&tag=nightly", ADMIN, null, 200)
                .get("total").asLong()).isEqualTo(1);
        assertThat(call("GET", "/api/v1/flow-runs?tag=", ADMIN, null, 422).toString()).contains("tag");
    }

    private static String tagged(String tags) throws Exception {
        return call("POST", "/api/v1/deployments/tagged/runs", ADMIN, "{\"tags\": " + tags + "}", 201).get("id").asText();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new java.util.ArrayList<>();
        page.get("items").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    @Test
    void activityHasABucketPerHourWithTheRunsCreatedInIt() throws Exception {
        deployment("active", "active-pool");
        run("active");
        claimAndEnd("active-pool", StateType.COMPLETED);
        run("active");
        JsonNode a = call("GET", "/api/v1/run-stats/activity?hours=24&bucket-minutes=60", ADMIN, null, 200);
        assertThat(a.get("buckets")).hasSizeBetween(24, 25);
        JsonNode last = a.get("buckets").get(a.get("buckets").size() - 1);
        assertThat(last.get("counts").path("COMPLETED").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(a.get("buckets").get(0).get("counts").isEmpty()).isTrue();
        call("GET", "/api/v1/run-stats/activity?hours=0", ADMIN, null, 422);
        call("GET", "/api/v1/run-stats/activity?hours=744&bucket-minutes=1", ADMIN, null, 422);
    }

    @Test
    void deploymentHealthCountsOutcomesAndSlotsShowRunningRuns() throws Exception {
        deployment("healthy", "health-pool");
        run("healthy");
        run("healthy");
        run("healthy");
        claimAndEnd("health-pool", StateType.COMPLETED);
        clock.advance(Duration.ofSeconds(1));
        claimAndEnd("health-pool", StateType.FAILED);
        clock.advance(Duration.ofSeconds(1));
        String running = claimAndEnd("health-pool", null);

        JsonNode all = call("GET", "/api/v1/run-stats/deployments?hours=24", ADMIN, null, 200);
        JsonNode h = null;
        for (JsonNode x : all) {
            if (x.get("name").asText().equals("healthy")) {
                h = x;
            }
        }
        assertThat(h).isNotNull();
        assertThat(h.get("completed").asLong()).isEqualTo(1);
        assertThat(h.get("failed").asLong()).isEqualTo(1);
        assertThat(h.get("successRate").asDouble()).isEqualTo(0.5);
        assertThat(h.get("lastStateType").asText()).isEqualTo("RUNNING");

        String poolId = call("GET", "/api/v1/work-pools/health-pool", ADMIN, null, 200).get("id").asText();
        JsonNode slots = call("GET", "/api/v1/run-stats/slots", ADMIN, null, 200);
        long active = 0;
        for (JsonNode s : slots) {
            if (s.get("poolId").asText().equals(poolId)) {
                active += s.get("active").asLong();
            }
        }
        assertThat(active).isEqualTo(1);
        assertThat(running).isNotBlank();
    }

    @Test
    void lateRunsAreListedLongestOverdueFirst() throws Exception {
        deployment("tardy", "tardy-pool");
        run("tardy");
        clock.advance(Duration.ofMinutes(2));
        cp.services().background().scheduler().tick();
        JsonNode late = call("GET", "/api/v1/run-stats/late?limit=10", ADMIN, null, 200);
        assertThat(late.toString()).contains("\"deploymentName\":\"tardy\"").contains("\"name\":\"Late\"");
        call("GET", "/api/v1/run-stats/late?limit=0", ADMIN, null, 422);
    }

    @Test
    void theChangeFeedAnswersAHeldCallWhenARunIsCreated() throws Exception {
        deployment("fed", "fed-pool");
        long version = call("GET", "/api/v1/run-changes", ADMIN, null, 200).get("version").asLong();
        // Nothing changes: the wait runs out and says so.
        JsonNode idle = call("GET", "/api/v1/run-changes?since=" + version + "&wait=0.3", ADMIN, null, 200);
        assertThat(idle.get("changed").asBoolean()).isFalse();
        assertThat(idle.get("version").asLong()).isEqualTo(version);

        CompletableFuture<HttpResponse<String>> held = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                        cp.rest("/api/v1/run-changes?since=" + version + "&wait=25")).header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> !held.isDone());
        long before = System.nanoTime();
        run("fed");
        JsonNode changed = JSON.readTree(held.get(10, TimeUnit.SECONDS).body());
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
        assertThat(changed.get("changed").asBoolean()).isTrue();
        assertThat(changed.get("version").asLong()).isNotEqualTo(version);
        call("GET", "/api/v1/run-changes?since=1&wait=31", ADMIN, null, 422);
    }
}
