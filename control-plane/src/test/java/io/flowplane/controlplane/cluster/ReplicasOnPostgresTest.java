package io.flowplane.controlplane.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.Durations;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.AgentCommand;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.PollWorkResponse;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.StateType;
import io.flowplane.proto.v1.WatchCommandsRequest;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.flowplane.controlplane.testing.TestControlPlane.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three control planes on one (embedded) PostgreSQL, each serving REST and gRPC: what happens on
 * one replica reaches agents and readers connected to another without waiting for a poll or
 * follow timeout, and one replica at a time does the background work. The held calls wait 20 s;
 * every bound below is half that, so a wake-up that never crossed replicas fails the test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasOnPostgresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HELD = Duration.ofSeconds(20);
    private static final long WOKEN_WITHIN_S = HELD.toSeconds() / 2;
    private static final Map<String, AtomicLong> SEQ = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;
    static EmbeddedPostgresHolder.Database database;
    static final List<TestControlPlane> replicas = new ArrayList<>();
    static final List<GrpcTestClient> grpc = new ArrayList<>();

    @BeforeAll
    static void startThreeReplicas() throws Exception {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_replicas");
        String url = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", database.name());
        for (int i = 0; i < 3; i++) {
            TestControlPlane cp = TestControlPlane.start(dir.resolve("replica-" + i), Clock.systemUTC(), c -> {
                c.getDatabase().setDriverClass("org.postgresql.Driver");
                c.getDatabase().setUrl(url);
                c.getDatabase().setUser("postgres");
            });
            replicas.add(cp);
            grpc.add(new GrpcTestClient(cp.grpcPort()));
        }
        TestControlPlane a = replicas.get(0);
        a.admin("POST", "/api/v1/work-pools", "{\"name\":\"shared\"}");
        a.admin("POST", "/api/v1/deployments", "{\"name\":\"job\",\"flowName\":\"job\",\"workPool\":\"shared\","
                + "\"entrypoint\":{\"command\":[\"true\"]}}");
    }

    @AfterAll
    static void stop() {
        grpc.forEach(GrpcTestClient::close);
        replicas.forEach(TestControlPlane::close);
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }

    @Test
    @Order(1)
    void aRunCreatedOnOneReplicaIsClaimedAtOnceByAPollHeldOnAnother() throws Exception {
        register(1, "agent-b");
        var poll = grpc.get(1).agentFuture(ADMIN_KEY, HELD.plusSeconds(10)).pollWork(poll("agent-b", HELD));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas.get(1).services().execution().dispatcher().waitingPolls() > 0);

        long t0 = System.nanoTime();
        String run = createRun(0);
        PollWorkResponse answer = poll.get(WOKEN_WITHIN_S, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(answer.getRunsList()).extracting(ClaimedRun::getRunId).containsExactly(run);
        System.out.printf("cross-replica dispatch: run created on replica 0, claimed on replica 1 after %d ms%n", ms);
        report(1, answer.getRuns(0), StateType.RUNNING);
        finish(1, answer.getRuns(0), StateType.COMPLETED);
    }

    @Test
    @Order(2)
    void aCancelThroughOneReplicaReachesTheAgentsCommandStreamOnAnother() throws Exception {
        register(1, "agent-cancel");
        String run = createRun(0);
        ClaimedRun claim = claimNow(1, "agent-cancel");
        assertThat(claim.getRunId()).isEqualTo(run);
        report(1, claim, StateType.RUNNING);

        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        grpc.get(2).agentAsync(ADMIN_KEY).watchCommands(WatchCommandsRequest.newBuilder().setAgentId("agent-cancel").build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(AgentCommand c) {
                        commands.add(c.getCancelRunId());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        // Wait until the stream is open on replica 2: a cancel before that would be delivered as
        // "pending" on subscribe and prove nothing about signals.
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas.get(2).app().commandStreams() > 0);
        assertThat(commands).isEmpty();

        assertThat(replicas.get(0).admin("POST", "/api/v1/flow-runs/" + run + "/cancel", null).statusCode()).isEqualTo(200);
        assertThat(commands.poll(WOKEN_WITHIN_S, TimeUnit.SECONDS)).as("cancel pushed through replica 2").isEqualTo(run);
        report(2, claim, StateType.CANCELLED);
    }

    @Test
    @Order(3)
    void logsFollowedOnOneReplicaShowLinesIngestedOnAnother() throws Exception {
        register(1, "agent-logs");
        String run = createRun(0);
        ClaimedRun claim = claimNow(1, "agent-logs");
        report(1, claim, StateType.RUNNING);

        CompletableFuture<HttpResponse<String>> follow = CompletableFuture.supplyAsync(() -> {
            try {
                return replicas.get(0).admin("GET", "/api/v1/flow-runs/" + run + "/logs?after=0&wait=" + HELD.toSeconds(), null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        UUID runId = UUID.fromString(run);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas.get(0).services().execution().watchers().watching(runId) > 0);
        long t0 = System.nanoTime();
        grpc.get(1).events(ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId(source(claim))
                .addEvents(GrpcTestClient.log(next(claim), claim.getRunId(), claim.getLeaseEpoch(), "hello from replica 1"))
                .build());
        HttpResponse<String> answer = follow.get(WOKEN_WITHIN_S, TimeUnit.SECONDS);
        System.out.printf("cross-replica log follow: line on replica 1, answered on replica 0 after %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("hello from replica 1");
        finish(1, claim, StateType.COMPLETED);
    }

    @Test
    @Order(4)
    void oneReplicaLeadsTheBackgroundWorkAndAnotherTakesOverWhenItStops() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> leaders().size() == 1);
        String leader = leaders().get(0);
        int index = -1;
        for (int i = 0; i < replicas.size(); i++) {
            if (leader.equals("flowplane-" + replicas.get(i).app().replicaId())) {
                index = i;
            }
        }
        assertThat(index).as("the lock holder is one of the replicas").isNotNegative();
        replicas.get(index).close();
        grpc.get(index).close();
        replicas.remove(index);
        grpc.remove(index);

        await().atMost(Duration.ofSeconds(10)).until(() -> leaders().size() == 1 && !leaders().get(0).equals(leader));
        // The new leader's scheduler and reaper work: a run created on one survivor completes via the other.
        register(1, "agent-after");
        String run = createRun(0);
        ClaimedRun claim = claimNow(1, "agent-after");
        assertThat(claim.getRunId()).isEqualTo(run);
        report(1, claim, StateType.RUNNING);
        finish(1, claim, StateType.COMPLETED);
        assertThat(state(0, run)).isEqualTo("COMPLETED");
    }

    // ------------------------------------------------------------------ helpers

    /** application_name of every session holding Flowplane's leadership lock. */
    private static List<String> leaders() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                     + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static void register(int replica, String agent) {
        grpc.get(replica).agent(ADMIN_KEY).register(RegisterRequest.newBuilder().setAgentId(agent).setName(agent)
                .addPools("shared").setSlots(4).setVersion("test").setHostname("localhost").build());
    }

    private static PollWorkRequest poll(String agent, Duration wait) {
        return PollWorkRequest.newBuilder().setAgentId(agent).setPool("shared").setMaxRuns(1)
                .setWait(Durations.fromMillis(wait.toMillis())).build();
    }

    private static ClaimedRun claimNow(int replica, String agent) {
        PollWorkResponse r = grpc.get(replica).agent(ADMIN_KEY).pollWork(poll(agent, Duration.ofSeconds(5)));
        assertThat(r.getRunsCount()).isEqualTo(1);
        return r.getRuns(0);
    }

    private static String createRun(int replica) throws Exception {
        HttpResponse<String> r = replicas.get(replica).admin("POST", "/api/v1/deployments/job/runs", "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asText();
    }

    private static void report(int replica, ClaimedRun claim, StateType type) {
        grpc.get(replica).events(ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId(source(claim))
                .addEvents(GrpcTestClient.state(next(claim), claim.getRunId(), claim.getLeaseEpoch(), type)).build());
    }

    /** One event source per run, its sequence numbers contiguous from 1 (whichever replica receives them). */
    private static String source(ClaimedRun claim) {
        return "src-" + claim.getRunId();
    }

    private static long next(ClaimedRun claim) {
        return SEQ.computeIfAbsent(source(claim), k -> new AtomicLong()).incrementAndGet();
    }

    private static void finish(int replica, ClaimedRun claim, StateType end) throws Exception {
        report(replica, claim, end);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(replica, claim.getRunId()).equals(end.name()));
    }

    private static String state(int replica, String run) throws Exception {
        JsonNode r = JSON.readTree(replicas.get(replica).admin("GET", "/api/v1/flow-runs/" + run, null).body());
        return r.get("state").get("type").asText();
    }
}
