package io.flowplane.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.Duration;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.examples.sales.Main;
import io.flowplane.examples.sales.SalesReportFlow;
import io.flowplane.sdk.client.DeploymentSpec;
import io.flowplane.sdk.client.FlowplaneClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example flow deployed to a pool and run by a real agent (a separate flow process started by
 * the agent, reporting through the agent's local relay) against the real control plane: the REST
 * API shows the run COMPLETED with its task runs (result references and hashes), states, logs and
 * artifacts, and a value the tasks returned is nowhere in the control plane's database file.
 */
class UnderAgentEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theExampleRunsUnderARealAgent() throws Exception {
        String canary = "CANARY-ORDER-5f1e2d";
        Path csv = dir.resolve("orders.csv");
        Files.writeString(csv, "order_id,date,region,product,quantity,unit_price\n"
                + canary + ",2026-01-02,APAC,widget,3,2.50\nSO-2,2026-01-03,EMEA,gizmo,1,10.00\n");
        Path cpDir = Files.createDirectories(dir.resolve("cp"));
        Path results = dir.resolve("results");
        String runId;
        try (TestControlPlane cp = TestControlPlane.start(cpDir, Clock.systemUTC(),
                c -> c.getRuns().heartbeatInterval = Duration.seconds(1))) {
            FlowplaneClient client = new FlowplaneClient("http://127.0.0.1:" + cp.rest("/").getPort(),
                    TestControlPlane.ADMIN_KEY);
            client.ensureWorkPool("etl");
            // The example's own deployment, run in the test's directory with its result store there.
            client.upsertDeployment(DeploymentSpec.forFlow(SalesReportFlow.FLOW).name("sales-report").workPool("etl")
                    .command(javaBin(), "-cp", absoluteClassPath(), Main.class.getName())
                    .workingDir(dir.toString()).env("FLOWPLANE_RESULTS_DIR", results.toString()).build());

            AgentConfig config = new AgentConfig();
            config.url = "127.0.0.1:" + cp.grpcPort();
            config.apiKey = TestControlPlane.ADMIN_KEY;
            config.pool = "etl";
            config.stateDir = dir.resolve("agent").toString();
            try (Agent agent = Agent.start(config, Agent.Options.defaults())) {
                HttpResponse<String> created = cp.admin("POST", "/api/v1/deployments/sales-report/runs",
                        "{\"parameters\":{\"input\":\"" + csv + "\",\"outputDir\":\"" + dir.resolve("out")
                                + "\",\"chunkSize\":1}}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                runId = JSON.readTree(created.body()).get("id").asText();
                await().atMost(java.time.Duration.ofSeconds(90)).until(() -> get(cp, "/api/v1/flow-runs/" + runId)
                        .at("/state/type").asText().matches("COMPLETED|FAILED|CRASHED"));
                JsonNode run = get(cp, "/api/v1/flow-runs/" + runId);
                assertThat(run.at("/state/type").asText()).as(run.toString()).isEqualTo("COMPLETED");

                List<String> states = new ArrayList<>();
                get(cp, "/api/v1/flow-runs/" + runId + "/states").forEach(s -> states.add(s.get("type").asText()));
                assertThat(states).containsSubsequence("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");

                JsonNode tasks = get(cp, "/api/v1/flow-runs/" + runId + "/task-runs");
                List<String> names = new ArrayList<>();
                tasks.forEach(t -> names.add(t.get("name").asText()));
                assertThat(names).contains("extract-1", "transform-1", "aggregate-1", "aggregate-2", "merge-1",
                        "write-report-1");
                tasks.forEach(t -> {
                    assertThat(t.at("/state/type").asText()).as(t.toString()).isEqualTo("COMPLETED");
                    assertThat(t.get("resultUri").asText()).as("a reference, not a value").startsWith("file:");
                    assertThat(t.get("resultHash").asText()).isNotBlank();
                });
                JsonNode logs = get(cp, "/api/v1/flow-runs/" + runId + "/logs");
                assertThat(logs.toString()).contains("wrote ");
                JsonNode artifacts = get(cp, "/api/v1/flow-runs/" + runId + "/artifacts");
                List<String> types = new ArrayList<>();
                artifacts.forEach(a -> types.add(a.get("type").asText()));
                assertThat(types).contains("table", "markdown");
            }
        }
        assertThat(Files.readString(dir.resolve("out").resolve("sales-by-region.csv"))).contains("APAC,1,3,7.50");
        try (var files = Files.walk(results)) {
            assertThat(files.filter(Files::isRegularFile).anyMatch(f -> read(f).contains(canary)))
                    .as("the rows with the canary stay in the customer's result store").isTrue();
        }
        try (var files = Files.walk(cpDir)) {
            List<Path> db = files.filter(Files::isRegularFile).toList();
            assertThat(db).isNotEmpty().allSatisfy(f -> assertThat(read(f)).as(f.toString()).doesNotContain(canary));
        }
    }

    private static JsonNode get(TestControlPlane cp, String path) throws Exception {
        HttpResponse<String> r = cp.admin("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        return body.has("items") ? body.get("items") : body;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The agent starts the flow in its own working directory: absolute class path entries. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
