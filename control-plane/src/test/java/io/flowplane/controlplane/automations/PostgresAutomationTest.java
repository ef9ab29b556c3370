package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static io.flowplane.controlplane.automations.World.q;
import static io.flowplane.controlplane.automations.World.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event log and automations on PostgreSQL: the same statements, the other dialect. */
class PostgresAutomationTest {
    @TempDir
    static Path dir;
    static EmbeddedPostgresHolder.Database database;
    static MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    static TestControlPlane cp;
    static World world;

    @BeforeAll
    static void start() throws Exception {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_automations");
        String url = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", database.name());
        cp = TestControlPlane.start(dir, clock, c -> {
            c.getDatabase().setUrl(url);
            c.getDatabase().setUser("postgres");
            c.getDatabase().setDriverClass("org.postgresql.Driver");
        });
        world = new World(cp);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        cp.close();
        EmbeddedPostgresHolder.drop(database);
    }

    @Test
    void eventsFiltersAutomationsAndRetentionWorkOnPostgres() throws Exception {
        String pool = world.pool();
        String a = world.deployment(pool, "[\"prod\"]");
        String b = world.deployment(pool, "[]");
        String paused = world.deployment(pool, "[]");
        world.automation(AutomationTest.runAfter(World.unique("a-then-b"), a, b));
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s"},"threshold":2,
                 "withinSeconds":600},"actions":[{"type":"pause-deployment","deployment":"%s"}]}"""
                .formatted(World.unique("two-failures"), a, paused));
        world.automation("""
                {"name":"%s","trigger":{"type":"absence","match":{"types":["flow-run.*"],"deployment":"%s"},
                 "withinSeconds":3600},"actions":[{"type":"resume-deployment","deployment":"%s"}]}"""
                .formatted(World.unique("quiet"), b, paused));
        String agent = world.agent(pool);

        world.run(a);
        String aRun = world.runToEnd(agent, pool, StateType.COMPLETED);
        await().atMost(Duration.ofSeconds(20)).until(() -> world.runsOf(b).size() == 1);
        assertThat(world.runsOf(b).get(0).at("/parameters/upstreamRunId").asText()).isEqualTo(aRun);
        assertThat(types(world.events("resource=" + aRun))).containsExactly("flow-run.scheduled", "flow-run.pending",
                "flow-run.running", "flow-run.completed");
        assertThat(types(world.events("resource=" + q(a) + "&type=" + q("flow-run.*") + "&tag=prod&limit=2")))
                .containsExactly("flow-run.scheduled", "flow-run.pending");

        world.runToEnd(agent, pool, StateType.COMPLETED); // B's run
        world.run(a);
        world.runToEnd(agent, pool, StateType.FAILED);
        world.run(a);
        world.runToEnd(agent, pool, StateType.FAILED);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                world.call("GET", "/api/v1/deployments/" + paused, null, 200).get("paused").asBoolean());

        clock.advance(Duration.ofMinutes(61));
        assertThat(cp.services().background().automations().evaluator().checkAbsence()).isEqualTo(1);
        cp.services().background().automations().actions().runDue();
        assertThat(world.call("GET", "/api/v1/deployments/" + paused, null, 200).get("paused").asBoolean()).isFalse();

        JsonNode followed = world.events("wait=0.2&type=agent.offline&resource=" + agent);
        assertThat(followed.get("items")).isEmpty();
        clock.advance(Duration.ofDays(8));
        assertThat(cp.services().background().automations().housekeeping().trim()).isPositive();
        assertThat(world.events("resource=" + aRun).get("items")).isEmpty();
    }
}
