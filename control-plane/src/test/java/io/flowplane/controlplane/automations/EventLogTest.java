package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.flowplane.controlplane.automations.World.q;
import static io.flowplane.controlplane.automations.World.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event log against the real control plane: what is recorded, in which transaction, and how it is read. */
class EventLogTest {
    @TempDir
    static Path dir;
    static MutableClock clock = new MutableClock(Instant.now());
    static TestControlPlane cp;
    static World world;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, clock);
        world = new World(cp);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        cp.close();
    }

    @Test
    void runStateChangesAndDeploymentChangesAreEventsWithRelatedResourcesAndNoParameterValues() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[\"prod\",\"etl\"]");
        String agent = world.agent(pool);
        world.run(dep);
        String runId = world.runToEnd(agent, pool, StateType.FAILED);
        world.call("PATCH", "/api/v1/deployments/" + dep, "{\"paused\":true}", 200);

        JsonNode page = world.events("resource=" + q(dep));
        assertThat(types(page)).containsExactly("deployment.created", "flow-run.scheduled", "flow-run.pending",
                "flow-run.running", "flow-run.failed", "deployment.paused");
        assertThat(page.toString()).doesNotContain("hunter2");
        JsonNode failed = page.get("items").get(4);
        assertThat(failed.at("/resource/kind").asText()).isEqualTo("flow-run");
        assertThat(failed.at("/resource/id").asText()).isEqualTo(runId);
        assertThat(failed.at("/related/deploymentName").asText()).isEqualTo(dep);
        assertThat(failed.at("/related/flowName").asText()).isEqualTo("flow-" + dep);
        assertThat(failed.at("/related/tags").toString()).isEqualTo("[\"prod\",\"etl\"]");
        assertThat(failed.at("/payload/state/type").asText()).isEqualTo("FAILED");
        assertThat(failed.at("/payload/actor").asText()).isEqualTo("AGENT");

        // By run id, by type family and tag, by exact type.
        assertThat(types(world.events("resource=" + runId))).containsExactly("flow-run.scheduled",
                "flow-run.pending", "flow-run.running", "flow-run.failed");
        assertThat(types(world.events("resource=" + q(dep) + "&type=" + q("flow-run.*") + "&tag=etl")))
                .hasSize(4);
        assertThat(types(world.events("resource=" + q(dep) + "&type=flow-run.failed,deployment.paused")))
                .containsExactly("flow-run.failed", "deployment.paused");
        assertThat(types(world.events("resource=" + q(dep) + "&tag=nope"))).isEmpty();
    }

    @Test
    void poolPauseAndAgentPresenceAreEvents() throws Exception {
        String pool = world.pool();
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":true}", 200);
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":false}", 200);
        assertThat(types(world.events("resource=" + pool))).containsExactly("work-pool.paused", "work-pool.resumed");

        String agent = world.agent(pool);
        assertThat(types(world.events("resource=" + agent))).containsExactly("agent.online");
        clock.advance(cp.services().execution().agents().offlineAfter().plusSeconds(1));
        cp.services().background().automations().housekeeping().sweepPresence();
        assertThat(types(world.events("resource=" + agent))).containsExactly("agent.online", "agent.offline");
        world.agent(pool); // another agent; the first stays offline
        cp.services().background().automations().housekeeping().sweepPresence();
        assertThat(types(world.events("resource=" + agent))).containsExactly("agent.online", "agent.offline");
    }

    @Test
    void anEventIsWrittenInTheTransactionOfItsChange() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        UUID runId = UUID.fromString(world.run(dep));
        var services = cp.services();
        assertThatThrownBy(() -> services.core().store().useTransaction(unit -> {
            services.execution().ledger().transition(unit, runId, r -> StateChange.of(
                    io.flowplane.controlplane.state.StateType.CANCELLED, Actor.USER));
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(types(world.events("resource=" + runId))).containsExactly("flow-run.scheduled");

        world.call("POST", "/api/v1/flow-runs/" + runId + "/cancel", null, 200);
        assertThat(types(world.events("resource=" + runId))).containsExactly("flow-run.scheduled", "flow-run.cancelled");
    }

    @Test
    void cursorPagingReadsEveryEventOnceInOrder() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        for (int i = 0; i < 5; i++) {
            world.run(dep);
        }
        String cursor = "0";
        java.util.List<Long> ids = new java.util.ArrayList<>();
        for (int pages = 0; pages < 10; pages++) {
            JsonNode page = world.events("resource=" + q(dep) + "&limit=2&cursor=" + cursor);
            if (page.get("items").isEmpty()) {
                assertThat(page.get("nextCursor").asText()).isEqualTo(cursor);
                break;
            }
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(e -> ids.add(e.get("id").asLong()));
            cursor = page.get("nextCursor").asText();
        }
        assertThat(ids).hasSize(6).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void followModeHoldsTheCallUntilAMatchingEventCommits() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String cursor = world.events("resource=" + q(dep)).get("nextCursor").asText();
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return cp.admin("GET", "/api/v1/events?wait=20&type=flow-run.scheduled&resource=" + q(dep)
                        + "&cursor=" + cursor, null);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // An unrelated event wakes the waiter, which reads again and keeps waiting.
        world.pool();
        await().during(java.time.Duration.ofMillis(200)).atMost(java.time.Duration.ofSeconds(5)).until(() -> !held.isDone());
        String runId = world.run(dep);
        HttpResponse<String> r = held.get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode page = World.JSON.readTree(r.body());
        assertThat(types(page)).containsExactly("flow-run.scheduled");
        assertThat(page.at("/items/0/resource/id").asText()).isEqualTo(runId);

        // Nothing arrives: an empty page after the wait, with the same cursor.
        JsonNode empty = world.events("wait=0.3&type=flow-run.crashed&resource=" + q(dep) + "&cursor="
                + page.get("nextCursor").asText());
        assertThat(empty.get("items")).isEmpty();
        assertThat(empty.get("nextCursor").asText()).isEqualTo(page.get("nextCursor").asText());
    }

    @Test
    void retentionDeletesEventsOlderThanItsWindow() throws Exception {
        String pool = world.pool();
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":true}", 200);
        clock.advance(Duration.ofDays(8));
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":false}", 200);
        assertThat(cp.services().background().automations().housekeeping().trim()).isPositive();
        assertThat(types(world.events("resource=" + pool))).containsExactly("work-pool.resumed");
    }

    @Test
    void badFiltersAre422NamingTheParameter() throws Exception {
        for (String[] c : new String[][]{{"type=flow-run.exploded", "type"}, {"limit=0", "limit"},
                {"limit=5000", "limit"}, {"since=yesterday", "since"}, {"until=2026-13-01", "until"},
                {"wait=99", "wait"}, {"cursor=abc", "cursor"}, {"type=" + q("nothing.*"), "type"}}) {
            HttpResponse<String> r = cp.admin("GET", "/api/v1/events?" + c[0], null);
            assertThat(r.statusCode()).as(c[0] + " → " + r.body()).isEqualTo(422);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(World.JSON.readTree(r.body()).at("/errors/0/field").asText()).isEqualTo(c[1]);
        }
    }
}
