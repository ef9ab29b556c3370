package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /flow-runs: a run the SDK started by hand, reported on directly, reaped when its reporter goes silent. */
class AdHocRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static MutableClock clock;
    static TestControlPlane cp;
    static GrpcTestClient grpc;

    @BeforeAll
    static void start() throws Exception {
        clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        cp = TestControlPlane.start(dir, clock);
        grpc = new GrpcTestClient(cp.grpcPort());
    }

    @AfterAll
    static void stop() {
        grpc.close();
        cp.close();
    }

    @Test
    void createdRunningAndCompletedByItsReporter() throws Exception {
        JsonNode run = create("{\"flowName\":\"by-hand\",\"parameters\":{\"n\":3},\"reporter\":\"laptop\"}");
        assertThat(run.at("/state/type").asText()).isEqualTo("RUNNING");
        assertThat(run.get("deploymentId").isNull()).isTrue();
        assertThat(run.get("agentId").asText()).isEqualTo("laptop");
        assertThat(run.get("leaseEpoch").asLong()).isZero();
        assertThat(run.at("/parameters/n").asInt()).isEqualTo(3);
        String id = run.get("id").asText();

        EventAck ack = grpc.events(TestControlPlane.ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId("sdk-adhoc-1")
                .addEvents(GrpcTestClient.log(1, id, 0, "hello"))
                .addEvents(GrpcTestClient.state(2, id, 0, StateType.COMPLETED)).build());
        assertThat(ack.getAckedSeq()).isEqualTo(2);
        assertThat(ack.getRejectionsList()).isEmpty();
        JsonNode after = JSON.readTree(cp.admin("GET", "/api/v1/flow-runs/" + id, null).body());
        assertThat(after.at("/state/type").asText()).isEqualTo("COMPLETED");
        JsonNode states = JSON.readTree(cp.admin("GET", "/api/v1/flow-runs/" + id + "/states", null).body());
        assertThat(states).extracting(s -> s.get("type").asText()).containsExactly("RUNNING", "COMPLETED");
    }

    @Test
    void heartbeatsKeepItAliveAndSilenceCrashesIt() throws Exception {
        String id = create("{\"flowName\":\"silent\"}").get("id").asText();
        clock.advance(Duration.ofSeconds(20));
        grpc.events(TestControlPlane.ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId("sdk-adhoc-2")
                .addEvents(io.flowplane.proto.v1.RunEvent.newBuilder().setSeq(1).setRunId(id).setLeaseEpoch(0)
                        .setHeartbeat(io.flowplane.proto.v1.RunHeartbeat.getDefaultInstance())).build());
        clock.advance(Duration.ofSeconds(20));
        cp.services().background().reaper().tick();
        assertThat(state(id)).as("the heartbeat extended the 30 s lease").isEqualTo("RUNNING");
        clock.advance(Duration.ofSeconds(31));
        cp.services().background().reaper().tick();
        assertThat(state(id)).isEqualTo("CRASHED");
    }

    @Test
    void flowNameIsRequired() throws Exception {
        HttpResponse<String> r = cp.admin("POST", "/api/v1/flow-runs", "{\"name\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("flowName");
    }

    private static String state(String id) throws Exception {
        return JSON.readTree(cp.admin("GET", "/api/v1/flow-runs/" + id, null).body()).at("/state/type").asText();
    }

    private static JsonNode create(String body) throws Exception {
        HttpResponse<String> r = cp.admin("POST", "/api/v1/flow-runs", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }
}
