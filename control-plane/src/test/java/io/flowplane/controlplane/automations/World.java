package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.StateType;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static io.flowplane.controlplane.testing.TestControlPlane.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** REST and agent-protocol steps the event and automation tests share, against one real control plane. */
final class World implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final TestControlPlane cp;
    private final GrpcTestClient grpc;
    private final AtomicLong seq = new AtomicLong();
    private final String source = "src-" + UUID.randomUUID();

    World(TestControlPlane cp) {
        this.cp = cp;
        this.grpc = new GrpcTestClient(cp.grpcPort());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    JsonNode call(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = cp.admin(method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + " → " + r.body()).isEqualTo(expected);
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    String pool() throws Exception {
        String name = unique("pool");
        call("POST", "/api/v1/work-pools", "{\"name\":\"" + name + "\"}", 201);
        return name;
    }

    /** A deployment on {@code pool} with tags and a default parameter. */
    String deployment(String pool, String tagsJson) throws Exception {
        String name = unique("dep");
        call("POST", "/api/v1/deployments", """
                {"name":"%s","flowName":"flow-%s","workPool":"%s","entrypoint":{"command":["true"]},
                 "parameters":{"password":"hunter2-never-in-events"},"tags":%s}""".formatted(name, name, pool, tagsJson),
                201);
        return name;
    }

    String run(String deployment) throws Exception {
        return call("POST", "/api/v1/deployments/" + deployment + "/runs", "{}", 201).get("id").asText();
    }

    String agent(String pool) {
        String id = unique("agent");
        grpc.agent(ADMIN_KEY).register(RegisterRequest.newBuilder().setAgentId(id).setName(id).addPools(pool)
                .setSlots(8).setVersion("test").setHostname("localhost").build());
        return id;
    }

    /** Claims every due run of the pool for the agent. */
    List<ClaimedRun> claim(String agent, String pool) {
        return new ArrayList<>(grpc.agent(ADMIN_KEY).pollWork(PollWorkRequest.newBuilder().setAgentId(agent)
                .setPool(pool).setMaxRuns(8).build()).getRunsList());
    }

    /** Reports RUNNING then {@code end} for a claimed run, as its agent would. */
    void finish(ClaimedRun run, StateType end) {
        grpc.events(ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(GrpcTestClient.state(seq.incrementAndGet(), run.getRunId(), run.getLeaseEpoch(), StateType.RUNNING))
                .addEvents(GrpcTestClient.state(seq.incrementAndGet(), run.getRunId(), run.getLeaseEpoch(), end))
                .build());
    }

    /** Reports RUNNING for a claimed run, as its agent would on start. */
    void start(ClaimedRun run) {
        grpc.events(ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(GrpcTestClient.state(seq.incrementAndGet(), run.getRunId(), run.getLeaseEpoch(), StateType.RUNNING))
                .build());
    }

    /** Claims the one due run of the pool and ends it in {@code end}; returns its id. */
    String runToEnd(String agent, String pool, StateType end) {
        List<ClaimedRun> claimed = claim(agent, pool);
        assertThat(claimed).hasSize(1);
        finish(claimed.get(0), end);
        return claimed.get(0).getRunId();
    }

    /** The runs of a deployment, newest first. */
    JsonNode runsOf(String deployment) throws Exception {
        return call("GET", "/api/v1/flow-runs?deployment=" + q(deployment), null, 200).get("items");
    }

    JsonNode automation(String json) throws Exception {
        return call("POST", "/api/v1/automations", json, 201);
    }

    JsonNode events(String query) throws Exception {
        return call("GET", "/api/v1/events?" + query, null, 200);
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static List<String> types(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(e -> out.add(e.get("type").asText()));
        return out;
    }

    @Override
    public void close() throws Exception {
        grpc.close();
    }
}
