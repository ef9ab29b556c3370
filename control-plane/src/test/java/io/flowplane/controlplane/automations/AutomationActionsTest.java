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
import java.util.List;

import static io.flowplane.controlplane.automations.World.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The actions {@link AutomationTest} leaves out — cancel-run, pause-work-pool, resume-work-pool —
 * fired by real events on the real control plane, their effect read back through REST and the agent
 * protocol, and each firing's action log.
 */
class AutomationActionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
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
    void cancelRunCancelsTheRunItsTemplateNamesALateRunHere() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String name = World.unique("no-late-starts");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.late"],"deployment":"%s"}},
                 "actions":[{"type":"cancel-run","run":"{{ event.run.id }}"}]}""".formatted(name, dep));
        String late = world.run(dep);
        clock.advance(Duration.ofSeconds(20)); // past lateAfter (15 s)
        String onTime = world.run(dep);
        cp.services().background().scheduler().tick();
        settle();

        await().atMost(WAIT).until(() -> state(late).equals("CANCELLED"));
        assertThat(types(world.events("resource=" + late))).containsExactly("flow-run.scheduled", "flow-run.late",
                "flow-run.cancelled");
        assertThat(state(onTime)).isEqualTo("SCHEDULED");
        JsonNode actions = world.call("GET", "/api/v1/automations/" + name + "/actions", null, 200);
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).get("status").asText()).isEqualTo("DONE");
        assertThat(actions.get(0).get("result").asText()).isEqualTo("run " + late + " CANCELLED");
        // The run's state says who cancelled it: the automation, by name, not "user".
        assertThat(world.call("GET", "/api/v1/flow-runs/" + late, null, 200).at("/state/message").asText())
                .isEqualTo("cancelled by automation '" + name + "'");
        // The cancelled run is not handed out; the other one is.
        String agent = world.agent(pool);
        List<ClaimedRun> claimed = world.claim(agent, pool);
        assertThat(claimed).extracting(ClaimedRun::getRunId).containsExactly(onTime);
    }

    @Test
    void cancelRunOfARunningRunAsksForItsCancellation() throws Exception {
        String pool = world.pool();
        String longRunning = world.deployment(pool, "[]");
        String watched = world.deployment(pool, "[]");
        String agent = world.agent(pool);
        String victim = world.run(longRunning);
        List<ClaimedRun> claimed = world.claim(agent, pool);
        assertThat(claimed).hasSize(1);
        world.start(claimed.get(0));
        await().atMost(WAIT).until(() -> state(victim).equals("RUNNING"));
        String name = World.unique("stop-on-failure");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s"}},
                 "actions":[{"type":"cancel-run","run":"%s"}]}""".formatted(name, watched, victim));

        world.run(watched);
        world.runToEnd(agent, pool, StateType.FAILED);
        settle();
        // Running: the agent has to stop it, so the control plane asks (CANCELLING), it does not end it.
        await().atMost(WAIT).until(() -> state(victim).equals("CANCELLING"));
        assertThat(types(world.events("resource=" + victim))).endsWith("flow-run.running", "flow-run.cancelling");
        assertThat(world.call("GET", "/api/v1/automations/" + name + "/actions", null, 200).get(0).get("result").asText())
                .isEqualTo("run " + victim + " CANCELLING");
        assertThat(world.call("GET", "/api/v1/flow-runs/" + victim, null, 200).at("/state/message").asText())
                .isEqualTo("cancel requested by automation '" + name + "'");
    }

    @Test
    void cancelRunOfAFinishedRunFailsVisiblyAndChangesNothing() throws Exception {
        String pool = world.pool();
        String done = world.deployment(pool, "[]");
        String watched = world.deployment(pool, "[]");
        String agent = world.agent(pool);
        world.run(done);
        String finished = world.runToEnd(agent, pool, StateType.COMPLETED);
        String name = World.unique("too-late");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s"}},
                 "actions":[{"type":"cancel-run","run":"%s"}]}""".formatted(name, watched, finished));

        world.run(watched);
        world.runToEnd(agent, pool, StateType.FAILED);
        settle();
        await().atMost(WAIT).until(() -> world.call("GET", "/api/v1/automations/" + name, null, 200)
                .at("/health/failedActions").asLong() == 1);
        JsonNode action = world.call("GET", "/api/v1/automations/" + name + "/actions", null, 200).get(0);
        assertThat(action.get("status").asText()).isEqualTo("FAILED");
        assertThat(action.get("attempts").asInt()).as("a conflict is not retried").isEqualTo(1);
        assertThat(action.get("lastError").asText()).contains(finished).contains("COMPLETED");
        assertThat(state(finished)).isEqualTo("COMPLETED");
        assertThat(types(world.events("resource=" + finished))).last().isEqualTo("flow-run.completed");
    }

    @Test
    void pauseWorkPoolStopsClaimsAndResumeWorkPoolStartsThemAgain() throws Exception {
        String workers = world.pool();
        String alarms = world.pool();
        String work = world.deployment(workers, "[]");
        String alarm = world.deployment(alarms, "[\"ops\"]");
        String pause = World.unique("pause-on-alarm");
        String resume = World.unique("resume-when-clear");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s","tags":["ops"]}},
                 "actions":[{"type":"pause-work-pool","workPool":"%s"}]}""".formatted(pause, alarm, workers));
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.completed"],"deployment":"%s"}},
                 "actions":[{"type":"resume-work-pool","workPool":"%s"}]}""".formatted(resume, alarm, workers));
        String agent = world.agent(workers);
        String alarmAgent = world.agent(alarms);

        world.run(alarm);
        world.runToEnd(alarmAgent, alarms, StateType.FAILED);
        settle();
        await().atMost(WAIT).until(() -> poolPaused(workers));
        assertThat(types(world.events("resource=" + workers))).containsExactly("work-pool.paused");
        assertThat(world.call("GET", "/api/v1/automations/" + pause + "/actions", null, 200).get(0).get("result")
                .asText()).isEqualTo("paused");
        String waiting = world.run(work);
        assertThat(world.claim(agent, workers)).as("a paused pool hands out nothing").isEmpty();

        world.run(alarm);
        world.runToEnd(alarmAgent, alarms, StateType.COMPLETED);
        settle();
        await().atMost(WAIT).until(() -> !poolPaused(workers));
        assertThat(types(world.events("resource=" + workers))).containsExactly("work-pool.paused", "work-pool.resumed");
        assertThat(world.call("GET", "/api/v1/automations/" + resume + "/actions", null, 200).get(0).get("result")
                .asText()).isEqualTo("resumed");
        assertThat(world.claim(agent, workers)).extracting(ClaimedRun::getRunId).containsExactly(waiting);
        // The other pool was never touched.
        assertThat(types(world.events("resource=" + alarms))).isEmpty();
    }

    @Test
    void pauseWorkPoolNamedByTheEventsPoolIdPausesThatPool() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String name = World.unique("pause-own-pool");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s"}},
                 "actions":[{"type":"pause-work-pool","workPool":"{{ event.pool.id }}"}]}""".formatted(name, dep));
        String agent = world.agent(pool);

        world.run(dep);
        world.runToEnd(agent, pool, StateType.FAILED);
        settle();
        await().atMost(WAIT).until(() -> poolPaused(pool));
        JsonNode action = world.call("GET", "/api/v1/automations/" + name + "/actions", null, 200).get(0);
        assertThat(action.get("status").asText()).isEqualTo("DONE");
        assertThat(types(world.events("resource=" + pool))).containsExactly("work-pool.paused");
    }

    /** What the periodic tick would do next: evaluate the new events, run the due actions. */
    private static void settle() {
        cp.services().background().automations().evaluator().evaluate();
        cp.services().background().automations().actions().runDue();
    }

    private static String state(String run) throws Exception {
        return world.call("GET", "/api/v1/flow-runs/" + run, null, 200).at("/state/type").asText();
    }

    private static boolean poolPaused(String pool) throws Exception {
        return world.call("GET", "/api/v1/work-pools/" + pool, null, 200).get("paused").asBoolean();
    }
}
