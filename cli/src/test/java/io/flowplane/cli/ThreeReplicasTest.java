package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.Duration;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three control-plane replicas on one embedded PostgreSQL with real agents on different replicas
 * (agent 1 on replica 1 serving pool {@code p1}, agent 2 on replica 2 serving {@code p2}): a run
 * created through any replica is claimed by an agent on another, a cancel through one replica
 * reaches an agent on another through its command stream, and {@code flowplane runs logs --follow}
 * (the real CLI, a subprocess) on one replica prints, live, the lines another replica ingests.
 * Held polls and follow reads wait 20 s; every bound here is 10 s, so a wake-up that did not cross
 * replicas fails the test instead of arriving late.
 */
class ThreeReplicasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.Duration WITHIN = java.time.Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static EmbeddedPostgresHolder.Database database;
    static final List<TestControlPlane> replicas = new ArrayList<>();
    static final List<Agent> agents = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        database = EmbeddedPostgresHolder.freshDatabase("three_replicas");
        String url = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", database.name());
        for (int i = 0; i < 3; i++) {
            replicas.add(TestControlPlane.start(dir.resolve("replica-" + i), Clock.systemUTC(), c -> {
                c.getDatabase().setDriverClass("org.postgresql.Driver");
                c.getDatabase().setUrl(url);
                c.getDatabase().setUser("postgres");
                c.getGrpc().maxPollWait = Duration.seconds(20);
                // Heartbeat answers also carry cancels: once a minute here, so within the test only
                // the command stream can deliver one in time.
                c.getRuns().heartbeatInterval = Duration.seconds(60);
                c.getRuns().leaseDuration = Duration.seconds(120);
                c.getRuns().agentOfflineAfter = Duration.seconds(180);
            }));
        }
        for (int p = 1; p <= 2; p++) {
            call(0, "POST", "/api/v1/work-pools", "{\"name\":\"p" + p + "\"}", 201);
            shell(0, "quick-" + p, "p" + p, "echo done on p" + p);
            shell(0, "ticker-" + p, "p" + p, "i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done");
        }
        agents.add(agent(1, "p1"));
        agents.add(agent(2, "p2"));
    }

    @AfterAll
    static void stop() {
        agents.forEach(Agent::shutdown);
        replicas.forEach(TestControlPlane::close);
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }

    @Test
    void aRunCreatedThroughAnyReplicaIsClaimedByAnAgentOnAnother() throws Exception {
        // replica -> deployment whose agent sits on a different replica
        int[][] cases = {{0, 1}, {0, 2}, {1, 2}, {2, 1}};
        for (int[] c : cases) {
            long created = System.nanoTime();
            String run = run(c[0], "quick-" + c[1]);
            await().atMost(WITHIN).until(() -> state(c[0], run).equals("COMPLETED"));
            System.out.printf("created on replica %d, run by the agent on replica %d: COMPLETED after %d ms%n",
                    c[0], c[1], (System.nanoTime() - created) / 1_000_000);
            assertThat(JSON.readTree(call(c[0], "GET", "/api/v1/flow-runs/" + run, null, 200)).path("attempt").asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void aCancelThroughOneReplicaReachesTheAgentOnAnotherThroughItsCommandStream() throws Exception {
        String run = run(0, "ticker-2");
        await().atMost(WITHIN).until(() -> state(0, run).equals("RUNNING"));
        long asked = System.nanoTime();
        // Agent 2 holds its command stream on replica 2 and heartbeats only once a minute: CANCELLED
        // within the bound means the cancel crossed from replica 1 to that stream.
        call(1, "POST", "/api/v1/flow-runs/" + run + "/cancel", null, 200);
        await().atMost(WITHIN).until(() -> state(1, run).equals("CANCELLED"));
        System.out.printf("cancel through replica 1 reached the agent on replica 2: CANCELLED after %d ms%n",
                (System.nanoTime() - asked) / 1_000_000);
        JsonNode history = JSON.readTree(call(0, "GET", "/api/v1/flow-runs/" + run + "/states", null, 200));
        assertThat(history.toString()).contains("CANCELLING").doesNotContain("CRASHED");
    }

    @Test
    void logsFollowOnOneReplicaPrintsLinesAnotherReplicaIngestsLive() throws Exception {
        Path gate = dir.resolve("follow-gate");
        Path end = dir.resolve("follow-end");
        shell(0, "gated", "p1", "for i in 1 2 3 4 5; do echo \"line $i\"; sleep 0.2; done; "
                + "while [ ! -f '" + gate + "' ]; do sleep 0.1; done; echo 'after the gate'; "
                + "while [ ! -f '" + end + "' ]; do sleep 0.1; done; echo last");
        String run = run(0, "gated");
        Path out = dir.resolve("follow.out");
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-cp", classPath(), "io.flowplane.cli.Main",
                "runs", "logs", "--follow", run, "--url", replicas.get(2).rest("").toString())
                .redirectOutput(out.toFile()).redirectError(dir.resolve("follow.err").toFile());
        pb.environment().put("FLOWPLANE_API_KEY", TestControlPlane.ADMIN_KEY);
        Process follow = pb.start();
        try {
            // Agent 1 reports to replica 1; the CLI reads from replica 2.
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> printed(out).contains("line 5"));
            // Having printed, the CLI now waits in a held read on replica 2: the next line, ingested
            // by replica 1, must wake it there, well before the read's 20 s.
            long opened = System.nanoTime();
            Files.createFile(gate);
            await().atMost(WITHIN).until(() -> printed(out).contains("after the gate"));
            System.out.printf("a line ingested by replica 1 was printed by follow on replica 2 %d ms after the flow"
                    + " was let go%n", (System.nanoTime() - opened) / 1_000_000);
            assertThat(state(2, run)).isEqualTo("RUNNING");
            Files.createFile(end);
            assertThat(follow.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("follow ended with the run").isTrue();
            assertThat(follow.exitValue()).as(Files.readString(dir.resolve("follow.err"))).isZero();
            List<String> lines = printed(out).lines().filter(l -> !l.isBlank()).toList();
            List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, 5).mapToObj(i -> "line " + i).toList());
            expected.add("after the gate");
            expected.add("last");
            assertThat(lines).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(lines.get(i)).as("line %d, in order, once", i).endsWith(expected.get(i));
            }
        } finally {
            follow.destroyForcibly();
        }
    }

    private static String printed(Path out) throws Exception {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    private static Agent agent(int replica, String pool) throws Exception {
        AgentConfig a = new AgentConfig();
        a.url = "127.0.0.1:" + replicas.get(replica).grpcPort();
        a.apiKey = TestControlPlane.ADMIN_KEY;
        a.pool = pool;
        a.slots = 4;
        a.name = "agent-on-replica-" + replica;
        a.stateDir = dir.resolve("agent-" + replica).toString();
        a.killGrace = java.time.Duration.ofSeconds(1);
        a.shutdownGrace = java.time.Duration.ofSeconds(5);
        a.reconnectMin = java.time.Duration.ofMillis(50);
        a.reconnectMax = java.time.Duration.ofMillis(500);
        a.drainTimeout = java.time.Duration.ofMillis(500);
        return Agent.start(a, Agent.Options.defaults());
    }

    private static void shell(int replica, String name, String pool, String script) throws Exception {
        call(replica, "POST", "/api/v1/deployments", JSON.createObjectNode().put("name", name).put("flowName", name)
                .put("workPool", pool).set("entrypoint", JSON.createObjectNode()
                        .set("command", JSON.valueToTree(List.of("sh", "-c", script)))).toString(), 201);
    }

    private static String run(int replica, String deployment) throws Exception {
        return JSON.readTree(call(replica, "POST", "/api/v1/deployments/" + deployment + "/runs", "{}", 201))
                .path("id").asText();
    }

    private static String state(int replica, String run) throws Exception {
        return JSON.readTree(call(replica, "GET", "/api/v1/flow-runs/" + run, null, 200)).path("state").path("type").asText();
    }

    private static String call(int replica, String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = replicas.get(replica).call(method, path, TestControlPlane.ADMIN_KEY, body);
        assertThat(r.statusCode()).as("%s %s on replica %d: %s", method, path, replica, r.body()).isEqualTo(expected);
        return r.body();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath() {
        return String.join(File.pathSeparator, System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator));
    }
}
