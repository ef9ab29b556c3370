package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.flowplane.controlplane.automations.World.q;
import static io.flowplane.controlplane.automations.World.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events {@link EventLogTest} leaves out (a run marked Late, a backfill finished, a deployment
 * updated) and what the {@code since}/{@code until} filters return, all read through
 * {@code GET /api/v1/events} of the real control plane: the REST answers, not the storage, so a
 * change of how the log is stored must keep these green.
 */
class EventCoverageTest {
    @TempDir
    static Path dir;
    /** Whole seconds: the log keeps milliseconds, so every boundary below is exact. */
    static MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
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
    void aRunNotStartedWithinLateAfterIsMarkedLateAsAFlowRunLateEvent() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[\"sla\"]");
        String runId = world.run(dep);
        assertThat(types(world.events("resource=" + runId))).containsExactly("flow-run.scheduled");

        // Not yet past lateAfter (15 s by default): the scheduler's pass changes nothing.
        clock.advance(Duration.ofSeconds(10));
        cp.services().background().scheduler().tick();
        assertThat(types(world.events("resource=" + runId))).containsExactly("flow-run.scheduled");

        clock.advance(Duration.ofSeconds(10));
        cp.services().background().scheduler().tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> types(world.events("resource=" + runId)).size() == 2);
        JsonNode page = world.events("resource=" + runId);
        assertThat(types(page)).containsExactly("flow-run.scheduled", "flow-run.late");
        JsonNode late = page.get("items").get(1);
        assertThat(late.at("/resource/kind").asText()).isEqualTo("flow-run");
        assertThat(late.at("/related/deploymentName").asText()).isEqualTo(dep);
        assertThat(late.at("/related/tags").toString()).isEqualTo("[\"sla\"]");
        assertThat(late.at("/payload/state/type").asText()).isEqualTo("SCHEDULED");
        assertThat(late.at("/payload/state/name").asText()).isEqualTo("Late");
        assertThat(late.at("/payload/actor").asText()).isEqualTo("SERVER");
        assertThat(Instant.parse(late.get("occurredAt").asText())).isEqualTo(clock.instant());
        assertThat(page.toString()).doesNotContain("hunter2");
        assertThat(world.call("GET", "/api/v1/flow-runs/" + runId, null, 200).at("/state/name").asText())
                .isEqualTo("Late");

        // Found by its exact type, and marked once: later passes add nothing.
        cp.services().background().scheduler().tick();
        assertThat(types(world.events("resource=" + q(dep) + "&type=flow-run.late"))).containsExactly("flow-run.late");
        // A Late run is still claimable; its start is the usual pending/running.
        String agent = world.agent(pool);
        world.runToEnd(agent, pool, StateType.COMPLETED);
        assertThat(types(world.events("resource=" + runId))).containsExactly("flow-run.scheduled", "flow-run.late",
                "flow-run.pending", "flow-run.running", "flow-run.completed");
    }

    @Test
    void aBackfillWhoseRunsAllEndedIsABackfillFinishedEventOnce() throws Exception {
        String pool = world.pool();
        String dep = World.unique("daily");
        world.call("POST", "/api/v1/deployments", """
                {"name":"%s","flowName":"f-%s","workPool":"%s","entrypoint":{"command":["true"]},"tags":["bf"],
                 "schedules":[{"cron":"0 6 * * *","active":false}]}""".formatted(dep, dep, pool), 201);
        JsonNode created = world.call("POST", "/api/v1/deployments/" + dep + "/backfills",
                "{\"from\":\"2026-03-01T00:00:00Z\",\"to\":\"2026-03-04T00:00:00Z\",\"maxActive\":2}", 201);
        String backfill = created.get("id").asText();
        assertThat(created.get("total").asInt()).isEqualTo(3);
        String agent = world.agent(pool);

        // Two released at once, the third after one of them ended: no event until all three ended.
        List<ClaimedRun> first = world.claim(agent, pool);
        assertThat(first).hasSize(2);
        world.finish(first.get(0), StateType.COMPLETED);
        world.finish(first.get(1), StateType.FAILED);
        cp.services().background().scheduler().tick();
        assertThat(types(world.events("resource=" + backfill))).isEmpty();
        List<ClaimedRun> last = await().atMost(Duration.ofSeconds(10)).until(() -> world.claim(agent, pool), l -> !l.isEmpty());
        assertThat(last).hasSize(1);
        cp.services().background().scheduler().tick();
        assertThat(types(world.events("resource=" + backfill))).isEmpty();
        world.finish(last.get(0), StateType.COMPLETED);

        cp.services().background().scheduler().tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> !world.events("resource=" + backfill).get("items").isEmpty());
        JsonNode page = world.events("resource=" + backfill);
        assertThat(types(page)).containsExactly("backfill.finished");
        JsonNode finished = page.get("items").get(0);
        assertThat(finished.at("/resource/kind").asText()).isEqualTo("backfill");
        assertThat(finished.at("/resource/id").asText()).isEqualTo(backfill);
        assertThat(finished.at("/related/deploymentName").asText()).isEqualTo(dep);
        assertThat(finished.at("/related/flowName").asText()).isEqualTo("f-" + dep);
        assertThat(finished.at("/related/tags").toString()).isEqualTo("[\"bf\"]");
        assertThat(finished.at("/payload/state").asText()).isEqualTo("COMPLETED");
        assertThat(finished.at("/payload/total").asInt()).isEqualTo(3);
        // By the deployment's name and tag, and by type; later passes record it no second time.
        cp.services().background().scheduler().tick();
        assertThat(types(world.events("resource=" + q(dep) + "&type=backfill.finished&tag=bf")))
                .containsExactly("backfill.finished");
        assertThat(world.call("GET", "/api/v1/deployments/" + dep + "/backfills/" + backfill, null, 200)
                .get("state").asText()).isEqualTo("completed");
    }

    @Test
    void aCancelledBackfillIsABackfillFinishedEventOnceAndItsRunsSayWhy() throws Exception {
        String pool = world.pool();
        String dep = World.unique("bfc");
        world.call("POST", "/api/v1/deployments", """
                {"name":"%s","flowName":"f-%s","workPool":"%s","entrypoint":{"command":["x"]},
                 "schedules":[{"cron":"0 6 * * *","active":false}]}""".formatted(dep, dep, pool), 201);
        String backfill = world.call("POST", "/api/v1/deployments/" + dep + "/backfills",
                "{\"from\":\"2026-03-01T00:00:00Z\",\"to\":\"2026-03-04T00:00:00Z\",\"maxActive\":1}", 201)
                .get("id").asText();
        String agent = world.agent(pool);
        List<ClaimedRun> running = world.claim(agent, pool);
        assertThat(running).hasSize(1);
        world.start(running.get(0));

        String path = "/api/v1/deployments/" + dep + "/backfills/" + backfill + "/cancel";
        assertThat(world.call("POST", path, null, 200).get("state").asText()).isEqualTo("cancelled");
        world.call("POST", path, null, 200);
        cp.services().background().scheduler().tick();

        JsonNode page = world.events("resource=" + backfill);
        assertThat(types(page)).containsExactly("backfill.finished");
        assertThat(page.get("items").get(0).at("/payload/state").asText()).isEqualTo("CANCELLED");
        assertThat(page.get("items").get(0).at("/related/deploymentName").asText()).isEqualTo(dep);
        // The running run is asked to stop, in words that name the backfill, not "user".
        String runId = running.get(0).getRunId();
        assertThat(world.call("GET", "/api/v1/flow-runs/" + runId, null, 200).at("/state/message").asText())
                .isEqualTo("cancel requested by backfill " + backfill);
    }

    @Test
    void aChangedSpecIsADeploymentUpdatedEventAndAnUnchangedOrOnlyPausedOneIsNot() throws Exception {
        String pool = world.pool();
        String dep = World.unique("upd");
        String spec = """
                {"name":"%s","flowName":"f-%s","workPool":"%s","entrypoint":{"command":["%s"]},
                 "parameters":{"password":"hunter2-never-in-events"},"tags":["team-a"]}""";
        world.call("POST", "/api/v1/deployments", spec.formatted(dep, dep, pool, "true"), 201);
        JsonNode unchanged = world.call("POST", "/api/v1/deployments", spec.formatted(dep, dep, pool, "true"), 200);
        assertThat(unchanged.get("change").asText()).isEqualToIgnoringCase("unchanged");
        assertThat(types(world.events("resource=" + q(dep)))).containsExactly("deployment.created");

        JsonNode updated = world.call("POST", "/api/v1/deployments", spec.formatted(dep, dep, pool, "false"), 200);
        assertThat(updated.get("change").asText()).isEqualToIgnoringCase("updated");
        world.call("PATCH", "/api/v1/deployments/" + dep, "{\"paused\":true}", 200);
        JsonNode page = world.events("resource=" + q(dep));
        assertThat(types(page)).containsExactly("deployment.created", "deployment.updated", "deployment.paused");
        JsonNode event = page.get("items").get(1);
        assertThat(event.at("/resource/kind").asText()).isEqualTo("deployment");
        assertThat(event.at("/resource/name").asText()).isEqualTo(dep);
        assertThat(event.at("/resource/id").asText()).isEqualTo(updated.get("id").asText());
        assertThat(event.at("/related/tags").toString()).isEqualTo("[\"team-a\"]");
        assertThat(page.toString()).doesNotContain("hunter2");
        assertThat(types(world.events("resource=" + q(dep) + "&type=deployment.updated&tag=team-a")))
                .containsExactly("deployment.updated");
    }

    @Test
    void sinceIsInclusiveUntilIsExclusiveAndBothSelectByTheTimeOfTheChange() throws Exception {
        String pool = world.pool();
        Instant t0 = clock.advance(Duration.ofMinutes(1));
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":true}", 200);
        Instant t1 = clock.advance(Duration.ofHours(1));
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":false}", 200);
        Instant t2 = clock.advance(Duration.ofHours(1));
        world.call("PATCH", "/api/v1/work-pools/" + pool, "{\"paused\":true}", 200);
        clock.advance(Duration.ofMinutes(1));
        String r = "resource=" + pool;
        assertThat(types(world.events(r))).containsExactly("work-pool.paused", "work-pool.resumed", "work-pool.paused");
        assertThat(world.events(r).get("items")).extracting(e -> Instant.parse(e.get("occurredAt").asText()))
                .containsExactly(t0, t1, t2);

        assertThat(types(world.events(r + "&since=" + t1))).containsExactly("work-pool.resumed", "work-pool.paused");
        assertThat(types(world.events(r + "&since=" + t1.plusMillis(1)))).containsExactly("work-pool.paused");
        assertThat(types(world.events(r + "&since=" + t0.minusMillis(1)))).hasSize(3);
        assertThat(types(world.events(r + "&since=" + t2.plusMillis(1)))).isEmpty();

        assertThat(types(world.events(r + "&until=" + t1))).containsExactly("work-pool.paused");
        assertThat(types(world.events(r + "&until=" + t1.plusMillis(1)))).containsExactly("work-pool.paused",
                "work-pool.resumed");
        assertThat(types(world.events(r + "&until=" + t0))).isEmpty();

        assertThat(types(world.events(r + "&since=" + t1 + "&until=" + t2))).containsExactly("work-pool.resumed");
        assertThat(types(world.events(r + "&since=" + t0 + "&until=" + t2 + "&type=work-pool.paused")))
                .containsExactly("work-pool.paused");
        assertThat(types(world.events(r + "&since=" + t2 + "&until=" + t1))).isEmpty();

        // Paging keeps the window: page by page, only the events in it, each once.
        List<String> paged = new ArrayList<>();
        String cursor = "0";
        for (int pages = 0; pages < 5; pages++) {
            JsonNode page = world.events(r + "&since=" + t1 + "&limit=1&cursor=" + cursor);
            if (page.get("items").isEmpty()) {
                break;
            }
            paged.addAll(types(page));
            cursor = page.get("nextCursor").asText();
        }
        assertThat(paged).containsExactly("work-pool.resumed", "work-pool.paused");
    }
}
