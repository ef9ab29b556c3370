package io.flowplane.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.util.Duration;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.controlplane.app.ControlPlaneConfiguration;
import io.flowplane.controlplane.testing.TestControlPlane;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real control plane in-process (short heartbeats, a quick reaper) plus agents started
 * against it, and REST helpers to create pools, deployments and runs and read them back.
 */
public final class Cluster implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String KEY = TestControlPlane.ADMIN_KEY;

    private final TestControlPlane cp;
    private final Path dir;
    private final List<Agent> agents = new ArrayList<>();
    private int agentCount;

    private Cluster(TestControlPlane cp, Path dir) {
        this.cp = cp;
        this.dir = dir;
    }

    /** Lease 30 s (heartbeats every 500 ms), reaper every 200 ms; {@code customize} may change them. */
    public static Cluster start(Path dir, Consumer<ControlPlaneConfiguration> customize) throws Exception {
        TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> {
            c.getRuns().heartbeatInterval = Duration.milliseconds(500);
            c.getRuns().reaperInterval = Duration.milliseconds(200);
            c.getRuns().agentOfflineAfter = Duration.seconds(3);
            c.getGrpc().maxPollWait = Duration.seconds(10);
            customize.accept(c);
        });
        return new Cluster(cp, dir);
    }

    public TestControlPlane controlPlane() {
        return cp;
    }

    public int grpcPort() {
        return cp.grpcPort();
    }

    /** Agent settings for tests: quick kill grace and reconnects, its own state directory. */
    public AgentConfig agentConfig(String pool, int grpcPort) {
        AgentConfig c = new AgentConfig();
        c.url = "127.0.0.1:" + grpcPort;
        c.apiKey = KEY;
        c.pool = pool;
        c.slots = 4;
        c.name = "test-agent-" + (++agentCount);
        c.stateDir = dir.resolve("agent-" + agentCount).toString();
        c.killGrace = java.time.Duration.ofSeconds(1);
        c.shutdownGrace = java.time.Duration.ofSeconds(5);
        c.reconnectMin = java.time.Duration.ofMillis(50);
        c.reconnectMax = java.time.Duration.ofMillis(500);
        c.drainTimeout = java.time.Duration.ofMillis(500);
        return c;
    }

    public Agent startAgent(AgentConfig config, Agent.Options options) throws Exception {
        Agent agent = Agent.start(config, options);
        agents.add(agent);
        return agent;
    }

    public Agent startAgent(String pool) throws Exception {
        return startAgent(agentConfig(pool, grpcPort()), Agent.Options.defaults());
    }

    // ------------------------------------------------------------------ REST

    public void pool(String name) throws Exception {
        post("/api/v1/work-pools", "{\"name\":\"" + name + "\"}", 201);
    }

    /** A deployment with a command, environment, retries (delay 0) and timeout (null: none). */
    public void deployment(String name, String pool, List<String> command, Map<String, String> env, int retries,
                           Double timeoutSeconds, Integer concurrencyLimit) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("flowName", name).put("workPool", pool)
                .put("retries", retries);
        ObjectNode entrypoint = body.putObject("entrypoint");
        command.forEach(entrypoint.putArray("command")::add);
        ObjectNode envNode = entrypoint.putObject("env");
        env.forEach(envNode::put);
        if (retries > 0) {
            body.putArray("retryDelaysSeconds").add(0.0);
        }
        if (timeoutSeconds != null) {
            body.put("timeoutSeconds", timeoutSeconds);
        }
        if (concurrencyLimit != null) {
            body.put("concurrencyLimit", concurrencyLimit);
        }
        post("/api/v1/deployments", JSON.writeValueAsString(body), 201);
    }

    public void shellDeployment(String name, String pool, String script) throws Exception {
        deployment(name, pool, List.of("sh", "-c", script), Map.of(), 0, null, null);
    }

    /** Starts a run of the deployment; returns its id. */
    public String run(String deployment) throws Exception {
        return post("/api/v1/deployments/" + deployment + "/runs", "{}", 201).get("id").asText();
    }

    public JsonNode get(String path) throws Exception {
        HttpResponse<String> r = cp.admin("GET", path, null);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    public JsonNode post(String path, String body, int expected) throws Exception {
        HttpResponse<String> r = cp.admin("POST", path, body);
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    public JsonNode flowRun(String id) throws Exception {
        return get("/api/v1/flow-runs/" + id);
    }

    public String stateType(String id) throws Exception {
        return flowRun(id).get("state").get("type").asText();
    }

    /** The state types of the run's history, oldest first. */
    public List<String> history(String id) throws Exception {
        List<String> out = new ArrayList<>();
        get("/api/v1/flow-runs/" + id + "/states").forEach(s -> out.add(s.get("type").asText()));
        return out;
    }

    /** Every stored log line of the run, in order. */
    public List<JsonNode> logLines(String id) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = get("/api/v1/flow-runs/" + id + "/logs?after=" + after + "&limit=1000");
            page.get("lines").forEach(out::add);
            if (page.get("lines").isEmpty() || page.get("next").asLong() == after) {
                return out;
            }
            after = page.get("next").asLong();
        }
    }

    public List<String> logMessages(String id) throws Exception {
        return logLines(id).stream().map(l -> l.get("message").asText()).toList();
    }

    @Override
    public void close() {
        for (Agent a : agents) {
            try {
                a.shutdown();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        cp.close();
    }
}
