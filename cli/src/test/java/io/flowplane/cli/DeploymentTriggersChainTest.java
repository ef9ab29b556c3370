package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code triggers:} shorthand of flowplane.yaml end to end: {@code flowplane deploy} (the CLI's
 * own code, in-process) turns it into automations on a real control plane, {@code flowplane run
 * --watch} starts A, and a real agent runs A, B and C as shell commands: each once, each downstream
 * run with the upstream run's id as its parameter, which the agent hands to the command (its parameters file).
 */
class DeploymentTriggersChainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aChainAThenBThenCFromFlowplaneYamlRunsEachOnceWithTheUpstreamRunId() throws Exception {
        try (TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + cp.rest("/").getPort();
            String[] auth = {"--url", url, "--api-key", TestControlPlane.ADMIN_KEY};
            Path file = dir.resolve("flowplane.yaml");
            Files.writeString(file, """
                    defaults:
                      workPool: chain
                    deployments:
                      - name: chain-a
                        entrypoint: {command: 'echo "a ran"'}
                      - name: chain-b
                        entrypoint: {command: 'echo "b got $(cat "$FLOWPLANE_PARAMETERS_FILE")"'}
                        triggers: [{after: chain-a}]
                      - name: chain-c
                        entrypoint: {command: 'echo "c got $(cat "$FLOWPLANE_PARAMETERS_FILE")"'}
                        triggers: [{after: chain-b, parameter: parent}]
                    """);
            assertOk(cli(concat(new String[]{"work-pool", "create", "chain"}, auth)));
            String[] deployed = cli(concat(new String[]{"deploy", "-f", file.toString()}, auth));
            assertOk(deployed);
            assertThat(deployed[1]).containsPattern("created\\s+automation chain-b-after-chain-a")
                    .containsPattern("created\\s+automation chain-c-after-chain-b");
            // What the shorthand became, as the control plane stores it.
            JsonNode bTrigger = get(cp, "/api/v1/automations/chain-b-after-chain-a");
            assertThat(bTrigger.at("/trigger/match/types").toString()).isEqualTo("[\"flow-run.completed\"]");
            assertThat(bTrigger.at("/trigger/match/deployment").asText()).isEqualTo("chain-a");
            assertThat(bTrigger.at("/actions/0/deployment").asText()).isEqualTo("chain-b");

            AgentConfig c = new AgentConfig();
            c.url = "127.0.0.1:" + cp.grpcPort();
            c.apiKey = TestControlPlane.ADMIN_KEY;
            c.pool = "chain";
            c.slots = 4;
            c.name = "chain-agent";
            c.stateDir = dir.resolve("agent").toString();
            c.killGrace = Duration.ofSeconds(1);
            c.shutdownGrace = Duration.ofSeconds(5);
            c.reconnectMin = Duration.ofMillis(50);
            c.reconnectMax = Duration.ofMillis(500);
            c.drainTimeout = Duration.ofMillis(500);
            try (Agent agent = Agent.start(c, Agent.Options.defaults())) {
                String[] ran = cli(concat(new String[]{"run", "chain-a", "--watch"}, auth));
                assertOk(ran);

                JsonNode a = onlyRun(cp, "chain-a");
                JsonNode b = await().atMost(WAIT).until(() -> completedRuns(cp, "chain-b"), l -> !l.isEmpty()).get(0);
                JsonNode cRun = await().atMost(WAIT).until(() -> completedRuns(cp, "chain-c"), l -> !l.isEmpty()).get(0);
                assertThat(b.at("/parameters/upstreamRunId").asText()).isEqualTo(a.get("id").asText());
                assertThat(cRun.at("/parameters/parent").asText()).isEqualTo(b.get("id").asText());
                assertThat(logs(cp, b.get("id").asText())).anySatisfy(l -> assertThat(l)
                        .startsWith("b got ").contains("\"upstreamRunId\"").contains(a.get("id").asText()));
                assertThat(logs(cp, cRun.get("id").asText())).anySatisfy(l -> assertThat(l)
                        .startsWith("c got ").contains("\"parent\"").contains(b.get("id").asText()));

                // C's completion triggers nothing, and further automation passes fire nothing again.
                cp.services().background().automations().evaluator().evaluate();
                cp.services().background().automations().actions().runDue();
                // Held for half a second: nothing late (a run the passes above would have created is
                // created synchronously by them; this also covers the background passes meanwhile).
                await().during(Duration.ofMillis(500)).atMost(WAIT).untilAsserted(() -> {
                    assertThat(runs(cp, "chain-a")).hasSize(1);
                    assertThat(runs(cp, "chain-b")).hasSize(1);
                    assertThat(runs(cp, "chain-c")).hasSize(1);
                });
                for (String name : List.of("chain-b-after-chain-a", "chain-c-after-chain-b")) {
                    JsonNode actions = JSON.readTree(cp.admin("GET", "/api/v1/automations/" + name + "/actions", null).body());
                    assertThat(actions).as(name).hasSize(1);
                    assertThat(actions.get(0).get("status").asText()).isEqualTo("DONE");
                }
            }
        }
    }

    private static JsonNode onlyRun(TestControlPlane cp, String deployment) throws Exception {
        List<JsonNode> runs = runs(cp, deployment);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).at("/state/type").asText()).isEqualTo("COMPLETED");
        return runs.get(0);
    }

    private static List<JsonNode> completedRuns(TestControlPlane cp, String deployment) throws Exception {
        return runs(cp, deployment).stream().filter(r -> r.at("/state/type").asText().equals("COMPLETED")).toList();
    }

    private static List<JsonNode> runs(TestControlPlane cp, String deployment) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        get(cp, "/api/v1/flow-runs?deployment=" + deployment).get("items").forEach(out::add);
        return out;
    }

    private static List<String> logs(TestControlPlane cp, String run) throws Exception {
        List<String> out = new ArrayList<>();
        get(cp, "/api/v1/flow-runs/" + run + "/logs?after=0&limit=1000").get("lines")
                .forEach(l -> out.add(l.get("message").asText()));
        return out;
    }

    private static JsonNode get(TestControlPlane cp, String path) throws Exception {
        HttpResponse<String> r = cp.admin("GET", path, null);
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void assertOk(String[] result) {
        assertThat(result[0]).as("exit code; stdout:\n" + result[1] + "\nstderr:\n" + result[2]).isEqualTo("0");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {exit code, stdout, stderr} of the CLI in-process. */
    private static String[] cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new String[]{Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
