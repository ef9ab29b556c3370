package io.flowplane.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.Duration;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.ArtifactReport;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.StateType;
import io.flowplane.proto.v1.TaskRunReport;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real control plane in-process (random ports, an H2 file) and a real agent on pool
 * {@code ui}, plus REST and gRPC helpers to set up what the pages show.
 */
final class UiWorld implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = TestControlPlane.ADMIN_KEY;

    final TestControlPlane cp;
    private final List<Agent> agents = new ArrayList<>();
    private final GrpcTestClient grpc;
    private final AtomicLong seq = new AtomicLong();
    private final String source = "ui-test-" + UUID.randomUUID();

    private UiWorld(TestControlPlane cp) {
        this.cp = cp;
        this.grpc = new GrpcTestClient(cp.grpcPort());
    }

    static UiWorld start(Path dir) throws Exception {
        TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> {
            c.getRuns().heartbeatInterval = Duration.milliseconds(500);
            c.getRuns().reaperInterval = Duration.milliseconds(200);
            c.getGrpc().maxPollWait = Duration.seconds(10);
        });
        UiWorld world = new UiWorld(cp);
        world.post("/api/v1/work-pools", "{\"name\":\"ui\",\"description\":\"runs for the browser tests\"}", 201);
        world.post("/api/v1/work-pools", "{\"name\":\"idle\",\"concurrencyLimit\":5}", 201);
        AgentConfig a = new AgentConfig();
        a.url = "127.0.0.1:" + cp.grpcPort();
        a.apiKey = ADMIN;
        a.pool = "ui";
        a.slots = 4;
        a.name = "ui-test-agent";
        a.stateDir = dir.resolve("agent").toString();
        a.killGrace = java.time.Duration.ofSeconds(1);
        a.shutdownGrace = java.time.Duration.ofSeconds(5);
        a.reconnectMin = java.time.Duration.ofMillis(50);
        a.reconnectMax = java.time.Duration.ofMillis(500);
        a.drainTimeout = java.time.Duration.ofMillis(500);
        world.agents.add(Agent.start(a, Agent.Options.defaults()));
        return world;
    }

    String url() {
        return cp.rest("/").toString();
    }

    JsonNode call(String method, String path, String key, String body, int expected) throws Exception {
        HttpResponse<String> r = cp.call(method, path, key, body);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expected);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    JsonNode post(String path, String body, int expected) throws Exception {
        return call("POST", path, ADMIN, body, expected);
    }

    JsonNode get(String path) throws Exception {
        return call("GET", path, ADMIN, null, 200);
    }

    String stateType(String runId) throws Exception {
        return get("/api/v1/flow-runs/" + runId).path("state").path("type").asText();
    }

    /** A deployment running {@code script} under sh on pool {@code pool}. */
    void shellDeployment(String name, String pool, String script) throws Exception {
        post("/api/v1/deployments", JSON.createObjectNode().put("name", name).put("flowName", name).put("workPool", pool)
                .set("entrypoint", JSON.createObjectNode().set("command", JSON.valueToTree(List.of("sh", "-c", script))))
                .toString(), 201);
    }

    String run(String deployment, String body) throws Exception {
        return post("/api/v1/deployments/" + deployment + "/runs", body, 201).get("id").asText();
    }

    String key(String name, String role) throws Exception {
        return post("/api/v1/api-keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}", 201).get("key").asText();
    }

    /** An ad-hoc run reported directly (as the SDK does by hand), with these events, left in {@code end}. */
    String reportedRun(String flow, String name, List<RunEvent.Builder> events, StateType end) throws Exception {
        String id = post("/api/v1/flow-runs", JSON.createObjectNode().put("flowName", flow).put("name", name)
                .put("reporter", "ui-test").toString(), 201).get("id").asText();
        List<RunEvent.Builder> all = new ArrayList<>(events);
        if (end != null) {
            all.add(RunEvent.newBuilder().setState(FlowRunStateChange.newBuilder().setType(end)));
        }
        send(id, all);
        return id;
    }

    void send(String runId, List<RunEvent.Builder> events) {
        EventBatch.Builder batch = EventBatch.newBuilder().setSourceId(source);
        for (RunEvent.Builder e : events) {
            batch.addEvents(e.setSeq(seq.incrementAndGet()).setRunId(runId).setLeaseEpoch(0));
        }
        grpc.events(ADMIN).sendEvents(batch.build());
    }

    static RunEvent.Builder log(String level, LogStream stream, String message) {
        return RunEvent.newBuilder().setLog(LogLine.newBuilder().setStream(stream).setLevel(level).setMessage(message));
    }

    static RunEvent.Builder artifact(String key, String type, String description, String data) {
        return RunEvent.newBuilder().setArtifact(ArtifactReport.newBuilder().setKey(key).setType(type)
                .setDescription(description).setData(data));
    }

    static RunEvent.Builder task(String id, String key, String name, StateType type, String stateName) {
        return RunEvent.newBuilder().setTaskRun(TaskRunReport.newBuilder().setTaskRunId(id).setTaskKey(key).setName(name)
                .setType(type).setStateName(stateName).setAttempt(1));
    }

    @Override
    public void close() {
        for (Agent a : agents) {
            try {
                a.shutdown();
            } catch (RuntimeException e) {
                // best effort: the control plane goes next
            }
        }
        grpc.close();
        cp.close();
    }
}
