package io.flowplane.controlplane.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.Durations;
import com.sun.net.httpserver.HttpServer;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.store.EventQueries;
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

import java.net.InetSocketAddress;
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
                // Every replica's automation passes tick often, so a duplicate would show within the check below.
                c.getAutomations().evaluationInterval = io.dropwizard.util.Duration.milliseconds(300);
                c.getAutomations().retryDelay = io.dropwizard.util.Duration.milliseconds(100);
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
    void eventsFollowedOnOneReplicaWakeForEventsAppliedOnAnother() throws Exception {
        long cursor = replicas.get(0).services().core().store().inTransaction(u -> EventQueries.maxId(u.handle()));
        CompletableFuture<HttpResponse<String>> follow = CompletableFuture.supplyAsync(() -> {
            try {
                return replicas.get(1).admin("GET", "/api/v1/events?cursor=" + cursor + "&wait=" + HELD.toSeconds(), null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> replicas.get(1).services().background().automations().eventLog().feed().waiting() > 0);
        long t0 = System.nanoTime();
        String run = createRun(0);
        HttpResponse<String> answer = follow.get(WOKEN_WITHIN_S, TimeUnit.SECONDS);
        System.out.printf("cross-replica events follow: run created on replica 0, answered on replica 1 after %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("items").findValuesAsText("runId")).contains(run);
        register(2, "agent-events");
        ClaimedRun claim = claimNow(2, "agent-events");
        assertThat(claim.getRunId()).isEqualTo(run);
        report(2, claim, StateType.RUNNING);
        finish(2, claim, StateType.COMPLETED);
    }

    /** One event, three replicas: one firing, one action, one delivery, one POST to the receiver. */
    @Test
    @Order(5)
    void aFailedRunOnOneReplicaNotifiesOnceWhateverReplicaLeads() throws Exception {
        List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            assertThat(replicas.get(0).admin("POST", "/api/v1/notification-targets", """
                    {"name":"ha-hook","kind":"webhook","url":"%s","secret":"ha-secret-0123456789abcdef",
                     "template":"{{ event.run.name }} is {{ event.state.name }}"}""".formatted(url)).statusCode()).isEqualTo(201);
            assertThat(replicas.get(1).admin("POST", "/api/v1/automations", """
                    {"name":"ha-tell-me","trigger":{"match":{"types":["flow-run.failed"],"deployment":"job"}},
                     "actions":[{"type":"notify","target":"ha-hook"}]}""").statusCode()).isEqualTo(201);
            register(2, "agent-fails");
            String run = createRun(0);
            ClaimedRun claim = claimNow(2, "agent-fails");
            report(2, claim, StateType.RUNNING);
            finish(2, claim, StateType.FAILED);

            await().atMost(Duration.ofSeconds(WOKEN_WITHIN_S)).until(() -> !bodies.isEmpty());
            // Every replica's passes tick every 300 ms: two seconds is several passes each.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(bodies).as("POSTs received for one failed run").hasSize(1));
            assertThat(JSON.readTree(bodies.get(0)).at("/event/run/id").asText()).isEqualTo(run);
            JsonNode actions = JSON.readTree(replicas.get(2).admin("GET", "/api/v1/automations/ha-tell-me/actions", null).body());
            assertThat(actions).hasSize(1);
            assertThat(actions.get(0).get("status").asText()).isEqualTo("DONE");
            assertThat(actions.get(0).get("attempts").asInt()).isEqualTo(1);
            assertThat(actions.get(0).get("lastError").isNull()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> JSON.readTree(replicas.get(1)
                    .admin("GET", "/api/v1/notification-targets/ha-hook/deliveries", null).body()).path(0).path("status")
                    .asText().equals("DONE"));
            JsonNode deliveries = JSON.readTree(replicas.get(1).admin("GET", "/api/v1/notification-targets/ha-hook/deliveries",
                    null).body());
            assertThat(deliveries).hasSize(1);
            assertThat(deliveries.get(0).get("log")).hasSize(1);
        } finally {
            receiver.stop(0);
            replicas.get(0).admin("DELETE", "/api/v1/automations/ha-tell-me", null);
        }
    }

    /**
     * The listening connection of the replica holding a poll is killed by the server; a run
     * created on another replica right afterwards still reaches the poll at once: the replica
     * reconnects and re-reads (the notification sent meanwhile is lost), long before the poll's
     * 20 s timeout.
     */
    @Test
    @Order(6)
    void aPollHeldOnAReplicaWhoseListenerWasKilledStillGetsARunCreatedOnAnother() throws Exception {
        register(1, "agent-relisten");
        var poll = grpc.get(1).agentFuture(ADMIN_KEY, HELD.plusSeconds(10)).pollWork(poll("agent-relisten", HELD));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas.get(1).services().execution().dispatcher().waitingPolls() > 0);
        String app = "flowplane-" + replicas.get(1).app().replicaId();
        int listener = listenerPid(app);

        long t0 = System.nanoTime();
        terminate(listener);
        String run = createRun(0);
        PollWorkResponse answer = poll.get(WOKEN_WITHIN_S, TimeUnit.SECONDS);
        System.out.printf("run created after the poll replica's listener was killed: claimed after %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(answer.getRunsList()).extracting(ClaimedRun::getRunId).containsExactly(run);
        await().atMost(Duration.ofSeconds(10)).until(() -> listenerPid(app) > 0 && listenerPid(app) != listener);
        report(1, answer.getRuns(0), StateType.RUNNING);
        finish(1, answer.getRuns(0), StateType.COMPLETED);
    }

    /** The server ends the leader's session: its lock is free, and another replica takes the background work. */
    @Test
    @Order(7)
    void anotherReplicaLeadsWhenTheLeadersSessionIsKilled() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> leaders().size() == 1);
        String leader = leaders().get(0);
        terminate(leaderPid());
        await().atMost(Duration.ofSeconds(10)).until(() -> leaders().size() == 1 && !leaders().get(0).equals(leader));
        String newLeader = leaders().get(0);
        assertThat(replicas).extracting(r -> "flowplane-" + r.app().replicaId()).contains(newLeader);
    }

    @Test
    @Order(8)
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

    /** The backend pid of the replica's LISTEN session (not the leadership session, which may also run SELECT 1). */
    private static int listenerPid(String applicationName) throws Exception {
        try (Connection c = database.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?"
                     + " AND datname = current_database() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')"
                     + " AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    private static int leaderPid() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                     + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()")) {
            assertThat(rs.next()).as("a leader holds the lock").isTrue();
            return rs.getInt(1);
        }
    }

    private static void terminate(int pid) throws Exception {
        assertThat(pid).as("backend pid").isPositive();
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
            assertThat(rs.next() && rs.getBoolean(1)).as("terminated backend %d", pid).isTrue();
        }
    }

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
