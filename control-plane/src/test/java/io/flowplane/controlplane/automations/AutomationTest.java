package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Automations on the real control plane: triggers, actions, validation, and what a failing action looks like. */
class AutomationTest {
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

    static String runAfter(String name, String upstream, String downstream) {
        return """
                {"name":"%s","trigger":{"type":"event","match":{"types":["flow-run.completed"],"deployment":"%s"}},
                 "actions":[{"type":"run-deployment","deployment":"%s",
                             "parameters":{"upstreamRunId":"{{ event.run.id }}","why":"after {{ event.deployment.name }}"}}]}
                """.formatted(name, upstream, downstream);
    }

    @Test
    void aChainAThenBThenCRunsEachOnceWithTheUpstreamRunId() throws Exception {
        String pool = world.pool();
        String a = world.deployment(pool, "[]");
        String b = world.deployment(pool, "[]");
        String c = world.deployment(pool, "[]");
        world.automation(runAfter(World.unique("a-then-b"), a, b));
        world.automation(runAfter(World.unique("b-then-c"), b, c));
        String agent = world.agent(pool);

        world.run(a);
        String aRun = world.runToEnd(agent, pool, StateType.COMPLETED);
        await().atMost(Duration.ofSeconds(20)).until(() -> world.runsOf(b).size() == 1);
        JsonNode bRun = world.runsOf(b).get(0);
        assertThat(bRun.at("/parameters/upstreamRunId").asText()).isEqualTo(aRun);
        assertThat(bRun.at("/parameters/why").asText()).isEqualTo("after " + a);

        String bRunId = world.runToEnd(agent, pool, StateType.COMPLETED);
        assertThat(bRunId).isEqualTo(bRun.get("id").asText());
        await().atMost(Duration.ofSeconds(20)).until(() -> world.runsOf(c).size() == 1);
        assertThat(world.runsOf(c).get(0).at("/parameters/upstreamRunId").asText()).isEqualTo(bRunId);
        world.runToEnd(agent, pool, StateType.FAILED); // C failing triggers nothing

        // Later passes (the periodic tick, a wake-up) fire nothing again.
        cp.services().background().automations().evaluator().evaluate();
        cp.services().background().automations().actions().runDue();
        assertThat(world.runsOf(a)).hasSize(1);
        assertThat(world.runsOf(b)).hasSize(1);
        assertThat(world.runsOf(c)).hasSize(1);
    }

    @Test
    void threeFailuresWithinAnHourFireOnTheThirdAndNotAgainUntilThreeMore() throws Exception {
        String pool = world.pool();
        String watched = world.deployment(pool, "[\"nightly\"]");
        String target = world.deployment(pool, "[]");
        String name = World.unique("three-failures");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s","tags":["nightly"]},
                                        "threshold":3,"withinSeconds":3600},
                 "actions":[{"type":"pause-deployment","deployment":"%s"}]}""".formatted(name, watched, target));
        String agent = world.agent(pool);

        failOnce(watched, agent, pool);
        clock.advance(Duration.ofMinutes(50));
        failOnce(watched, agent, pool);
        assertThat(firings(name)).isZero();
        // 70 minutes after the first: only two failures in the last hour.
        clock.advance(Duration.ofMinutes(20));
        failOnce(watched, agent, pool);
        assertThat(firings(name)).isZero();
        assertThat(paused(target)).isFalse();
        clock.advance(Duration.ofMinutes(5));
        failOnce(watched, agent, pool); // the 2nd, 3rd and 4th within 25 minutes
        await().atMost(Duration.ofSeconds(20)).until(() -> firings(name) == 1 && paused(target));

        failOnce(watched, agent, pool);
        failOnce(watched, agent, pool);
        assertThat(firings(name)).isEqualTo(1);
        failOnce(watched, agent, pool);
        assertThat(firings(name)).isEqualTo(2);
    }

    private void failOnce(String deployment, String agent, String pool) throws Exception {
        world.run(deployment);
        world.runToEnd(agent, pool, StateType.FAILED);
        cp.services().background().automations().evaluator().evaluate();
    }

    private long firings(String automation) throws Exception {
        return world.call("GET", "/api/v1/automations/" + automation, null, 200).at("/health/firings").asLong();
    }

    private boolean paused(String deployment) throws Exception {
        return world.call("GET", "/api/v1/deployments/" + deployment, null, 200).get("paused").asBoolean();
    }

    @Test
    void anAbsenceTriggerFiresWhenTheExpectedRunDoesNotHappen() throws Exception {
        String pool = world.pool();
        String nightly = world.deployment(pool, "[]");
        String fallback = world.deployment(pool, "[]");
        String name = World.unique("nightly-fresh");
        world.automation("""
                {"name":"%s","trigger":{"type":"absence","match":{"types":["flow-run.completed"],"deployment":"%s"},
                                        "withinSeconds":90000},
                 "actions":[{"type":"run-deployment","deployment":"%s","parameters":{"reason":"{{ firing.reason }}"}}]}
                """.formatted(name, nightly, fallback));
        String agent = world.agent(pool);
        Evaluator evaluator = cp.services().background().automations().evaluator();

        clock.advance(Duration.ofHours(24));
        assertThat(evaluator.checkAbsence()).isZero();
        world.run(nightly);
        world.runToEnd(agent, pool, StateType.COMPLETED); // at 24 h: the window restarts
        clock.advance(Duration.ofHours(24));
        assertThat(evaluator.checkAbsence()).isZero();
        clock.advance(Duration.ofHours(2)); // 26 h since the last completion
        assertThat(evaluator.checkAbsence()).isEqualTo(1);
        assertThat(evaluator.checkAbsence()).isZero();
        cp.services().background().automations().actions().runDue();
        assertThat(world.runsOf(fallback)).hasSize(1);
        assertThat(world.runsOf(fallback).get(0).at("/parameters/reason").asText()).contains("flow-run.completed");

        clock.advance(Duration.ofHours(24));
        assertThat(evaluator.checkAbsence()).isZero();
        clock.advance(Duration.ofHours(1)); // still nothing: once more per window
        assertThat(evaluator.checkAbsence()).isEqualTo(1);
    }

    @Test
    void crudEnableDisableAndADisabledAutomationNeverFires() throws Exception {
        String pool = world.pool();
        String a = world.deployment(pool, "[]");
        String b = world.deployment(pool, "[]");
        String name = World.unique("crud");
        JsonNode created = world.automation(runAfter(name, a, b));
        assertThat(created.get("enabled").asBoolean()).isTrue();
        assertThat(created.at("/trigger/match/deployment").asText()).isEqualTo(a);
        assertThat(world.call("GET", "/api/v1/automations", null, 200).findValuesAsText("name")).contains(name);
        assertThat(world.call("POST", "/api/v1/automations/" + name + "/disable", null, 200).get("enabled").asBoolean())
                .isFalse();

        String agent = world.agent(pool);
        world.run(a);
        world.runToEnd(agent, pool, StateType.COMPLETED);
        cp.services().background().automations().evaluator().evaluate();
        cp.services().background().automations().actions().runDue();
        assertThat(world.runsOf(b)).isEmpty();

        JsonNode replaced = world.call("PUT", "/api/v1/automations/" + created.get("id").asText(), """
                {"description":"now on failures","enabled":true,
                 "trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s"}},
                 "actions":[{"type":"run-deployment","deployment":"%s"}]}""".formatted(a, b), 200);
        assertThat(replaced.get("enabled").asBoolean()).isTrue();
        assertThat(replaced.get("description").asText()).isEqualTo("now on failures");
        world.run(a);
        world.runToEnd(agent, pool, StateType.FAILED);
        await().atMost(Duration.ofSeconds(20)).until(() -> world.runsOf(b).size() == 1);

        world.call("DELETE", "/api/v1/automations/" + name, null, 204);
        world.call("GET", "/api/v1/automations/" + name, null, 404);
    }

    @Test
    void anActionThatKeepsFailingIsVisibleOnTheAutomation() throws Exception {
        String pool = world.pool();
        String a = world.deployment(pool, "[]");
        String doomed = world.deployment(pool, "[]");
        String name = World.unique("doomed");
        world.automation(runAfter(name, a, doomed));
        world.call("DELETE", "/api/v1/deployments/" + doomed, null, 204);
        String agent = world.agent(pool);
        world.run(a);
        world.runToEnd(agent, pool, StateType.COMPLETED);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                world.call("GET", "/api/v1/automations/" + name, null, 200).at("/health/failedActions").asLong() == 1);
        JsonNode health = world.call("GET", "/api/v1/automations/" + name, null, 200).get("health");
        assertThat(health.get("lastError").asText()).contains(doomed);
        JsonNode actions = world.call("GET", "/api/v1/automations/" + name + "/actions", null, 200);
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).get("status").asText()).isEqualTo("FAILED");
        assertThat(actions.get(0).get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void badDefinitionsAre422NamingTheField() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String[][] cases = {
                {"{\"name\":\"x1\",\"trigger\":{\"match\":{\"types\":[\"flow-run.exploded\"]}},"
                        + "\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"" + dep + "\"}]}",
                        "trigger.match.types[0]"},
                {"{\"name\":\"x2\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},"
                        + "\"actions\":[{\"type\":\"run-deployment\",\"deployment\":\"" + dep + "\","
                        + "\"parameters\":{\"p\":\"{{ event.secret }}\"}}]}", "actions[0].parameters.p"},
                {"{\"name\":\"x3\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]},\"threshold\":3,"
                        + "\"withinSeconds\":0},\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"" + dep
                        + "\"}]}", "trigger.withinSeconds"},
                {"{\"name\":\"x4\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},"
                        + "\"actions\":[{\"type\":\"notify\",\"target\":\"nobody\"}]}", "actions[0].target"},
                {"{\"name\":\"x5\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},"
                        + "\"actions\":[{\"type\":\"run-deployment\",\"deployment\":\"no-such-dep\"}]}",
                        "actions[0].deployment"},
                {"{\"name\":\"x6\",\"trigger\":{\"type\":\"absence\",\"match\":{\"types\":[\"flow-run.completed\"]}},"
                        + "\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"" + dep + "\"}]}",
                        "trigger.withinSeconds"},
                {"{\"name\":\"x7\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"],\"state\":\"Exploded\"}},"
                        + "\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"" + dep + "\"}]}",
                        "trigger.match.state"},
                {"{\"name\":\"x8\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},"
                        + "\"actions\":[{\"type\":\"launch-missiles\"}]}", "actions[0].type"},
                {"{\"name\":\"x9\",\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},\"actions\":[]}",
                        "actions"},
                {"{\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},"
                        + "\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"" + dep + "\"}]}", "name"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = cp.admin("POST", "/api/v1/automations", c[0]);
            assertThat(r.statusCode()).as(c[0] + " → " + r.body()).isEqualTo(422);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(World.JSON.readTree(r.body()).findValuesAsText("field")).as(r.body()).contains(c[1]);
        }
        HttpResponse<String> unknownField = cp.admin("POST", "/api/v1/automations", "{\"name\":\"x\",\"colour\":1}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        HttpResponse<String> targetUrl = cp.admin("POST", "/api/v1/notification-targets",
                "{\"name\":\"t1\",\"url\":\"ftp://example.com/hook\",\"secret\":\"0123456789abcdef\"}");
        assertThat(targetUrl.statusCode()).as(targetUrl.body()).isEqualTo(422);
        assertThat(World.JSON.readTree(targetUrl.body()).at("/errors/0/field").asText()).isEqualTo("url");
        HttpResponse<String> targetTemplate = cp.admin("POST", "/api/v1/notification-targets",
                "{\"name\":\"t2\",\"url\":\"http://127.0.0.1:1/hook\",\"secret\":\"0123456789abcdef\","
                        + "\"template\":\"{{ event.nope }}\"}");
        assertThat(targetTemplate.statusCode()).as(targetTemplate.body()).isEqualTo(422);
        assertThat(World.JSON.readTree(targetTemplate.body()).at("/errors/0/field").asText()).isEqualTo("template");
    }
}
