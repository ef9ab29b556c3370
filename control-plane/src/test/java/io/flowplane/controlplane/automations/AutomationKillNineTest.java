package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.controlplane.testing.TestDatabase;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.flowplane.controlplane.testing.TestControlPlane.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A control plane process killed with SIGKILL after an automation fired and before its action ran:
 * after restart on the same H2 file, exactly one run is created for that firing.
 */
class AutomationKillNineTest {
    @TempDir
    Path dir;
    private Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int restPort;
    private int adminPort;
    private int grpcPort;

    @AfterEach
    void cleanUp() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void oneRunForTheFiringAfterAKillNineBetweenFiringAndAction() throws Exception {
        startChild();
        rest("POST", "/api/v1/work-pools", "{\"name\":\"p\"}", 201);
        for (String d : new String[]{"a", "b"}) {
            rest("POST", "/api/v1/deployments", "{\"name\":\"" + d + "\",\"flowName\":\"f\",\"workPool\":\"p\","
                    + "\"entrypoint\":{\"command\":[\"true\"]}}", 201);
        }
        rest("POST", "/api/v1/automations", AutomationTest.runAfter("a-then-b", "a", "b"), 201);
        rest("POST", "/api/v1/deployments/a/runs", "{}", 201);
        try (GrpcTestClient grpc = new GrpcTestClient(grpcPort)) {
            grpc.agent(ADMIN_KEY).register(RegisterRequest.newBuilder().setAgentId("k9").addPools("p").setSlots(2).build());
            ClaimedRun run = grpc.agent(ADMIN_KEY).pollWork(PollWorkRequest.newBuilder().setAgentId("k9").setPool("p")
                    .setMaxRuns(1).build()).getRuns(0);
            grpc.events(ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId("k9")
                    .addEvents(GrpcTestClient.state(1, run.getRunId(), run.getLeaseEpoch(), StateType.RUNNING))
                    .addEvents(GrpcTestClient.state(2, run.getRunId(), run.getLeaseEpoch(), StateType.COMPLETED))
                    .build());
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                World.JSON.readTree(rest("GET", "/api/v1/automations/a-then-b", null, 200)).at("/health/pendingActions")
                        .asLong() == 1);
        assertThat(World.JSON.readTree(rest("GET", "/api/v1/flow-runs?deployment=b", null, 200)).get("items")).isEmpty();

        process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        try (TestControlPlane cp = TestControlPlane.start(dir, Clock.systemUTC()); World world = new World(cp)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> world.runsOf("b").size() == 1);
            JsonNode b = world.runsOf("b").get(0);
            assertThat(b.at("/parameters/upstreamRunId").asText()).isNotBlank();
            cp.services().background().automations().evaluator().evaluate();
            cp.services().background().automations().actions().runDue();
            assertThat(world.runsOf("b")).hasSize(1);
            assertThat(world.call("GET", "/api/v1/automations/a-then-b", null, 200).at("/health/firings").asLong())
                    .isEqualTo(1);
        }
    }

    private void startChild() throws Exception {
        int[] ports = freePorts();
        restPort = ports[0];
        adminPort = ports[1];
        grpcPort = ports[2];
        // The database TestControlPlane opens for the same directory.
        Path config = dir.resolve("control-plane.yml");
        Files.writeString(config, """
                server:
                  applicationConnectors:
                    - {type: http, bindHost: 127.0.0.1, port: %d}
                  adminConnectors:
                    - {type: http, bindHost: 127.0.0.1, port: %d}
                database:
                  driverClass: %s
                  url: "%s"
                  user: %s
                  password: ""
                grpc: {bindHost: 127.0.0.1, port: %d}
                auth: {bootstrapAdminKey: %s}
                automations: {executeActions: false}
                """.formatted(restPort, adminPort, TestDatabase.driverClass(), TestDatabase.url(dir), TestDatabase.user(),
                        grpcPort, ADMIN_KEY));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "io.flowplane.controlplane.app.ControlPlaneApplication",
                "server", config.toString()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !process.isAlive() || healthy());
        assertThat(process.isAlive()).as("the control plane exited; see " + dir.resolve("child.log")).isTrue();
    }

    private boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthcheck"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String rest(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + ADMIN_KEY);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + " → " + r.body()).isEqualTo(expected);
        return r.body();
    }

    private static int[] freePorts() throws IOException {
        int[] ports = new int[3];
        ServerSocket[] sockets = new ServerSocket[3];
        try {
            for (int i = 0; i < 3; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
