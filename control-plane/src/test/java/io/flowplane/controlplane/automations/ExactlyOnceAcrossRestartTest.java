package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A firing is recorded with its actions in one transaction and executed later with the action's
 * id as idempotency key: a control plane that stops between the firing and the action, or between
 * the action's effect and its DONE mark, creates exactly one run for that firing after restart,
 * and a restart never evaluates an event twice.
 */
class ExactlyOnceAcrossRestartTest {
    @TempDir
    Path dir;

    @Test
    void oneRunPerFiringAcrossRestarts() throws Exception {
        String a;
        String b;
        String c;
        String automation = World.unique("a-then-b");
        String automationC = World.unique("a-then-c");
        // 1. Events fire, actions stay in the outbox (the process "dies" before executing them).
        try (TestControlPlane cp = TestControlPlane.start(dir, Clock.systemUTC(),
                conf -> conf.getAutomations().executeActions = false); World world = new World(cp)) {
            String pool = world.pool();
            a = world.deployment(pool, "[]");
            b = world.deployment(pool, "[]");
            c = world.deployment(pool, "[]");
            world.automation(AutomationTest.runAfter(automation, a, b));
            world.automation(AutomationTest.runAfter(automationC, a, c));
            String agent = world.agent(pool);
            world.run(a);
            world.runToEnd(agent, pool, StateType.COMPLETED);
            await().atMost(Duration.ofSeconds(20)).until(() -> health(world, automation).get("firings").asLong() == 1
                    && health(world, automationC).get("firings").asLong() == 1);
            assertThat(health(world, automation).get("pendingActions").asLong()).isEqualTo(1);
            assertThat(world.runsOf(b)).isEmpty();

            // The action on C had its effect, but the DONE mark was lost with the process.
            JsonNode pendingC = world.call("GET", "/api/v1/automations/" + automationC + "/actions", null, 200).get(0);
            cp.services().resources().deployments().createRun(c, new DeploymentService.RunRequest(null, null, null, null,
                    "automation-action:" + pendingC.get("id").asText()));
            assertThat(world.runsOf(c)).hasSize(1);
        }
        // 2. Restarted with execution on: each pending action runs once.
        try (TestControlPlane cp = TestControlPlane.start(dir, Clock.systemUTC()); World world = new World(cp)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> world.runsOf(b).size() == 1
                    && health(world, automationC).get("pendingActions").asLong() == 0);
            assertThat(world.runsOf(c)).hasSize(1);
            JsonNode doneC = world.call("GET", "/api/v1/automations/" + automationC + "/actions", null, 200).get(0);
            assertThat(doneC.get("status").asText()).isEqualTo("DONE");
            assertThat(doneC.get("result").asText()).isEqualTo("run " + world.runsOf(c).get(0).get("id").asText());
            cp.services().background().automations().evaluator().evaluate();
            cp.services().background().automations().actions().runDue();
            assertThat(world.runsOf(b)).hasSize(1);
        }
        // 3. Another restart: nothing is evaluated or executed again.
        try (TestControlPlane cp = TestControlPlane.start(dir, Clock.systemUTC()); World world = new World(cp)) {
            assertThat(cp.services().background().automations().evaluator().evaluate()).isZero();
            cp.services().background().automations().actions().runDue();
            assertThat(world.runsOf(b)).hasSize(1);
            assertThat(world.runsOf(c)).hasSize(1);
            assertThat(health(world, automation).get("firings").asLong()).isEqualTo(1);
        }
    }

    private static JsonNode health(World world, String automation) throws Exception {
        return world.call("GET", "/api/v1/automations/" + automation, null, 200).get("health");
    }
}
