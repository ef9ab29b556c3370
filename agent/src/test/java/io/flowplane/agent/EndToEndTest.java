package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.agent.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent against the real control plane: a run goes SCHEDULED → PENDING → RUNNING → COMPLETED
 * with every printed line stored in order; a failing command is retried per the deployment; a
 * timeout fails the run as TimedOut after killing its tree; the process gets the run-environment
 * contract; agents are listed with their details.
 */
class EndToEndTest {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static Agent agent;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start(dir, c -> { });
        cluster.pool("e2e");
        agent = cluster.startAgent("e2e");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void runPrintsLinesAndCompletesWithEveryLineInOrder() throws Exception {
        cluster.shellDeployment("printer", "e2e",
                "i=1; while [ $i -le 200 ]; do echo \"line $i\"; i=$((i+1)); done; echo 'to stderr' >&2");
        String run = cluster.run("printer");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run).equals("COMPLETED"));

        assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
        List<JsonNode> lines = cluster.logLines(run);
        List<String> stdout = lines.stream().filter(l -> l.get("stream").asText().equals("STDOUT"))
                .map(l -> l.get("message").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            expected.add("line " + i);
        }
        assertThat(stdout).isEqualTo(expected);
        assertThat(lines).filteredOn(l -> l.get("stream").asText().equals("STDERR"))
                .extracting(l -> l.get("message").asText()).containsExactly("to stderr");
        assertThat(cluster.flowRun(run).get("agentId").asText()).isEqualTo(agent.agentId());
    }

    @Test
    void aBurstOfOutputIsStoredLineByLineInOrder() throws Exception {
        // Far more than one pipe read: the agent ships lines in groups, the store numbers them.
        cluster.shellDeployment("burst", "e2e", "seq 1 20000 | sed 's/^/burst line /'");
        String run = cluster.run("burst");
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.stateType(run).equals("COMPLETED"));

        List<JsonNode> lines = cluster.logLines(run);
        assertThat(lines).hasSize(20000);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i).get("seq").asLong()).isEqualTo(i + 1);
            assertThat(lines.get(i).get("message").asText()).isEqualTo("burst line " + (i + 1));
        }
    }

    @Test
    void failingCommandEndsFailedWithItsExitCodeAndIsRetried() throws Exception {
        cluster.deployment("failer", "e2e", List.of("sh", "-c", "echo \"attempt $FLOWPLANE_ATTEMPT\"; exit 3"), Map.of(),
                1, null, null);
        String run = cluster.run("failer");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.history(run).size() >= 8);

        assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "FAILED", "SCHEDULED",
                "PENDING", "RUNNING", "FAILED");
        JsonNode detail = cluster.flowRun(run);
        assertThat(detail.get("state").get("message").asText()).isEqualTo("exit code 3");
        assertThat(detail.get("attempt").asInt()).isEqualTo(2);
        assertThat(cluster.logMessages(run)).containsExactly("attempt 1", "attempt 2");
    }

    @Test
    void timeoutKillsTheProcessTreeAndFailsTimedOut() throws Exception {
        Path pids = dir.resolve("timeout-child.pid");
        cluster.deployment("sleeper", "e2e", List.of("sh", "-c", "sleep 60 & echo $! > " + pids + "; sleep 60"),
                Map.of(), 0, 1.0, null);
        String run = cluster.run("sleeper");
        await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(run).equals("FAILED"));

        JsonNode state = cluster.flowRun(run).get("state");
        assertThat(state.get("name").asText()).isEqualTo("TimedOut");
        assertThat(state.get("message").asText()).startsWith("timed out after 1000 ms");
        long child = Long.parseLong(Files.readString(pids).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void processGetsTheRunEnvironmentContract() throws Exception {
        cluster.deployment("contract", "e2e", List.of("sh", "-c",
                "echo \"run=$FLOWPLANE_RUN_ID epoch=$FLOWPLANE_LEASE_EPOCH attempt=$FLOWPLANE_ATTEMPT\"; "
                        + "echo \"flow=$FLOWPLANE_FLOW_NAME deployment=$FLOWPLANE_DEPLOYMENT_NAME\"; "
                        + "echo \"params=$(cat \"$FLOWPLANE_PARAMETERS_FILE\")\"; "
                        + "echo \"endpoint=$FLOWPLANE_EVENTS_ENDPOINT\"; "
                        + "echo \"token=${#FLOWPLANE_EVENTS_TOKEN} key=${FLOWPLANE_API_KEY:-none}\"; "
                        + "echo \"scheduled=$FLOWPLANE_SCHEDULED_AT schedule=${FLOWPLANE_SCHEDULE_ID:-none}\""),
                Map.of(), 0, null, null);
        String run = cluster.post("/api/v1/deployments/contract/runs", "{\"parameters\":{\"rows\":5}}", 201)
                .get("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(run).equals("COMPLETED"));

        List<String> lines = cluster.logMessages(run);
        assertThat(lines.get(0)).isEqualTo("run=" + run + " epoch=1 attempt=1");
        assertThat(lines.get(1)).isEqualTo("flow=contract deployment=contract");
        assertThat(lines.get(2)).isEqualTo("params={\"rows\":5}");
        assertThat(lines.get(3)).isEqualTo("endpoint=" + agent.relayEndpoint()).startsWith("endpoint=127.0.0.1:");
        // The token is there, the agent's own API key is not.
        assertThat(lines.get(4)).isEqualTo("token=43 key=none");
        assertThat(lines.get(5)).matches("scheduled=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z schedule=none");
    }

    @Test
    void agentsAreListedWithPoolsSlotsVersionAndHeartbeat() throws Exception {
        JsonNode listed = cluster.get("/api/v1/agents/" + agent.agentId());
        assertThat(listed.get("pools").get(0).asText()).isEqualTo("e2e");
        assertThat(listed.get("slots").asInt()).isEqualTo(4);
        assertThat(listed.get("version").asText()).isEqualTo(Agent.VERSION);
        assertThat(listed.get("status").asText()).isEqualTo("online");

        Agent stopped = cluster.startAgent("e2e");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                cluster.get("/api/v1/agents/" + stopped.agentId()).get("status").asText().equals("online"));
        stopped.shutdown();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                cluster.get("/api/v1/agents/" + stopped.agentId()).get("status").asText().equals("offline"));
        assertThat(cluster.get("/api/v1/agents/" + agent.agentId()).get("status").asText()).isEqualTo("online");
    }
}
