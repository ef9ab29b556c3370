package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.ControlPlaneProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control plane (its own JVM) is killed with SIGKILL while a run prints lines and started
 * again on the same H2 file and port: the agent re-sends its unacknowledged tail, no line is
 * lost or stored twice, and the run completes.
 */
class ControlPlaneRestartTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killNineOfTheControlPlaneMidRunLosesAndDuplicatesNothing() throws Exception {
        Agent agent = null;
        try (ControlPlaneProcess cp = new ControlPlaneProcess(dir)) {
            cp.start();
            cp.call("POST", "/api/v1/work-pools", "{\"name\":\"restart\"}");
            cp.call("POST", "/api/v1/deployments", """
                    {"name":"printer","flowName":"printer","workPool":"restart",
                     "entrypoint":{"command":["sh","-c",%s]}}""".formatted(Cluster.JSON.writeValueAsString(
                    "i=0; while [ $i -lt 120 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done")));
            AgentConfig config = new AgentConfig();
            config.url = "127.0.0.1:" + cp.grpcPort();
            config.apiKey = Cluster.KEY;
            config.pool = "restart";
            config.stateDir = dir.resolve("agent").toString();
            config.reconnectMin = Duration.ofMillis(50);
            config.reconnectMax = Duration.ofMillis(500);
            agent = Agent.start(config, Agent.Options.defaults());

            String run = cp.call("POST", "/api/v1/deployments/printer/runs", "{}").get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> lines(cp, run).size() >= 10);
            cp.killNine();
            // Down for a second (nothing answers on its port) while the run keeps printing into the spool.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !accepts(cp.grpcPort()));
            cp.start();

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    cp.call("GET", "/api/v1/flow-runs/" + run, null).get("state").get("type").asText().equals("COMPLETED"));
            assertThat(lines(cp, run)).isEqualTo(PartitionTest.expectedLines());
            List<String> history = new ArrayList<>();
            cp.call("GET", "/api/v1/flow-runs/" + run + "/states", null).forEach(s -> history.add(s.get("type").asText()));
            assertThat(history).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
        } finally {
            if (agent != null) {
                agent.shutdown();
            }
        }
    }

    private static List<String> lines(ControlPlaneProcess cp, String run) throws Exception {
        List<String> out = new ArrayList<>();
        JsonNode page = cp.call("GET", "/api/v1/flow-runs/" + run + "/logs?limit=10000", null);
        page.get("lines").forEach(l -> out.add(l.get("message").asText()));
        return out;
    }

    private static boolean accepts(int port) {
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
