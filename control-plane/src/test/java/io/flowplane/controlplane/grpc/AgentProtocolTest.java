package io.flowplane.controlplane.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.ListenableFuture;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.HeartbeatRequest;
import io.flowplane.proto.v1.HeartbeatResponse;
import io.flowplane.proto.v1.LostRun;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.PollWorkResponse;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.RegisterResponse;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunLease;
import io.flowplane.proto.v1.StateType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.flowplane.controlplane.grpc.GrpcTestClient.log;
import static io.flowplane.controlplane.grpc.GrpcTestClient.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The agent protocol over real gRPC against an in-process control plane: authentication, long
 * polling, due times, event ingestion (ordering, duplicates, gaps), lease fencing, cancellation
 * and malformed input. The control plane's clock only moves when a test moves it.
 */
class AgentProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = TestControlPlane.ADMIN_KEY;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dir;
    static MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    static TestControlPlane cp;
    static GrpcTestClient grpc;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, clock);
        grpc = new GrpcTestClient(cp.grpcPort());
    }

    @AfterAll
    static void stop() {
        if (grpc != null) {
            grpc.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void callsNeedAKeyWithTheRightRoleAndPools() throws Exception {
        createPool("a");
        createPool("b");
        RegisterRequest toA = RegisterRequest.newBuilder().setAgentId("auth-agent").addPools("a").setSlots(1).build();

        assertStatus(Status.Code.UNAUTHENTICATED, () -> grpc.agent(null).register(toA));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> grpc.agent("fp_not_a_real_key_0123456789abcdefghijkl").register(toA));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> grpc.events(null).sendEvents(
                EventBatch.newBuilder().setSourceId("nobody").build()));

        String viewer = createKey("viewer", "viewer", List.of());
        assertStatus(Status.Code.PERMISSION_DENIED, () -> grpc.agent(viewer).register(toA));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> grpc.agent(viewer).pollWork(poll("auth-agent", "a", 1, 0)));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> grpc.events(viewer).sendEvents(
                EventBatch.newBuilder().setSourceId("viewer").build()));

        String agentA = createKey("agent-a", "agent", List.of("a"));
        RegisterResponse registered = grpc.agent(agentA).register(toA);
        assertThat(registered.getAgentId()).isEqualTo("auth-agent");
        assertThat(registered.getLeaseDuration().getSeconds()).isEqualTo(30);
        assertThat(grpc.agent(agentA).pollWork(poll("auth-agent", "a", 1, 0)).getRunsList()).isEmpty();

        assertStatus(Status.Code.PERMISSION_DENIED, () -> grpc.agent(agentA).pollWork(poll("auth-agent", "b", 1, 0)));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> grpc.agent(agentA).register(
                RegisterRequest.newBuilder().setAgentId("auth-agent").addPools("a").addPools("b").setSlots(1).build()));

        // Nor may it report on a run of pool "b": the event is refused, nothing is stored.
        String deployment = createDeployment(unique("b-dep"), "b", 0);
        String runId = createRun(deployment, "{}");
        String adminAgent = register("b");
        ClaimedRun claim = claimOne(adminAgent, "b");
        EventAck ack = grpc.events(agentA).sendEvents(EventBatch.newBuilder().setSourceId("auth-agent")
                .addEvents(log(1, runId, claim.getLeaseEpoch(), "not yours")).build());
        assertThat(ack.getAckedSeq()).isEqualTo(1);
        assertThat(ack.getRejectionsList()).extracting(Rejection::getReason)
                .containsExactly(Rejection.Reason.INVALID_EVENT);
        assertThat(logMessages(runId)).isEmpty();
    }

    // ------------------------------------------------------------------ long poll

    @Test
    void longPollReturnsANewRunWellBeforeItsWaitEnds() throws Exception {
        String pool = createPool(unique("lp"));
        String deployment = createDeployment(unique("lp-dep"), pool, 0);
        String agent = register(pool);

        int waitingBefore = cp.services().execution().dispatcher().waitingPolls();
        long start = System.nanoTime();
        ListenableFuture<PollWorkResponse> pending = grpc.agentFuture(ADMIN, Duration.ofSeconds(30))
                .pollWork(poll(agent, pool, 1, 10_000));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cp.services().execution().dispatcher().waitingPolls() > waitingBefore);
        // Nothing is due: the call is held, not answered empty at once.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !pending.isDone());

        String runId = createRun(deployment, "{\"parameters\":{\"rows\":3}}");
        PollWorkResponse response = pending.get(5, TimeUnit.SECONDS);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
        assertThat(response.getRunsList()).hasSize(1);
        ClaimedRun run = response.getRuns(0);
        assertThat(run.getRunId()).isEqualTo(runId);
        assertThat(run.getLeaseEpoch()).isEqualTo(1);
        assertThat(run.getAttempt()).isEqualTo(1);
        assertThat(run.getDeploymentName()).isEqualTo(deployment);
        assertThat(run.getFlowName()).isEqualTo("etl-flow");
        assertThat(run.getPool()).isEqualTo(pool);
        assertThat(run.getQueue()).isEqualTo("default");
        assertThat(run.getEntrypoint().getCommandList()).containsExactly("python", "-m", "flows.etl");
        assertThat(run.getEntrypoint().getWorkingDir()).isEqualTo("/srv/flows");
        assertThat(run.getEntrypoint().getEnvMap()).containsEntry("MODE", "batch");
        assertThat(JSON.readTree(run.getParametersJson()))
                .isEqualTo(JSON.readTree("{\"rows\":3,\"source\":\"s3://bucket\"}"));
        assertThat(ProtoMapper.instant(run.getLeaseExpiresAt())).isEqualTo(clock.instant().plusSeconds(30));
        // The control plane's clock did not move while the poll was held: the lease started as it arrived.
        assertThat(run.hasClaimedAfter()).isTrue();
        assertThat(ProtoMapper.duration(run.getClaimedAfter())).isEqualTo(Duration.ZERO);
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("PENDING");
        assertThat(runJson(runId).get("agentId").asText()).isEqualTo(agent);
    }

    @Test
    void pollWithoutWaitOnAnEmptyPoolAnswersAtOnce() throws Exception {
        String pool = createPool(unique("nowait"));
        String agent = register(pool);
        long start = System.nanoTime();
        PollWorkResponse response = grpc.agent(ADMIN).pollWork(poll(agent, pool, 5, 0));
        assertThat(response.getRunsList()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void pollNeverClaimsMoreThanMaxRuns() throws Exception {
        String pool = createPool(unique("max"));
        String deployment = createDeployment(unique("max-dep"), pool, 0);
        String agent = register(pool);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(createRun(deployment, "{}"));
        }
        PollWorkResponse first = grpc.agent(ADMIN).pollWork(poll(agent, pool, 2, 0));
        assertThat(first.getRunsList()).hasSize(2);
        PollWorkResponse none = grpc.agent(ADMIN).pollWork(poll(agent, pool, 0, 0));
        assertThat(none.getRunsList()).isEmpty();
        PollWorkResponse rest = grpc.agent(ADMIN).pollWork(poll(agent, pool, 10, 0));
        assertThat(rest.getRunsList()).hasSize(3);

        List<String> claimed = new ArrayList<>();
        first.getRunsList().forEach(r -> claimed.add(r.getRunId()));
        rest.getRunsList().forEach(r -> claimed.add(r.getRunId()));
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(created);
        assertThat(grpc.agent(ADMIN).pollWork(poll(agent, pool, 10, 0)).getRunsList()).isEmpty();
    }

    @Test
    void aRunScheduledLaterIsClaimedOnlyWhenDue() throws Exception {
        String pool = createPool(unique("sched"));
        String deployment = createDeployment(unique("sched-dep"), pool, 0);
        String agent = register(pool);
        Instant due = clock.instant().plusMillis(500);
        String runId = createRun(deployment, "{\"scheduledAt\":\"" + due + "\"}");

        assertThat(grpc.agent(ADMIN).pollWork(poll(agent, pool, 1, 0)).getRunsList()).isEmpty();

        int waitingBefore = cp.services().execution().dispatcher().waitingPolls();
        ListenableFuture<PollWorkResponse> pending = grpc.agentFuture(ADMIN, Duration.ofSeconds(30))
                .pollWork(poll(agent, pool, 1, 10_000));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cp.services().execution().dispatcher().waitingPolls() > waitingBefore);
        // Real time passes the due time (the dispatcher's due timer fires), the control plane's clock does not.
        await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(3)).until(() -> !pending.isDone());
        cp.services().execution().dispatcher().wakeAll();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !pending.isDone());
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("SCHEDULED");

        clock.advance(Duration.ofSeconds(1));
        long start = System.nanoTime();
        cp.services().execution().dispatcher().wakeAll();
        PollWorkResponse response = pending.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(response.getRunsList()).extracting(ClaimedRun::getRunId).containsExactly(runId);
        assertThat(ProtoMapper.instant(response.getRuns(0).getScheduledAt())).isEqualTo(due);
        // Claimed one second (of the control plane's clock) after the poll arrived: the agent counts
        // the lease from its poll's send time plus this, not from the answer's arrival.
        assertThat(ProtoMapper.duration(response.getRuns(0).getClaimedAfter())).isEqualTo(Duration.ofSeconds(1));
        assertThat(ProtoMapper.instant(response.getRuns(0).getLeaseExpiresAt())).isEqualTo(clock.instant().plusSeconds(30));
    }

    // ------------------------------------------------------------------ events

    @Test
    void eventsAreStoredOnceInOrderAndNeverAfterAGap() throws Exception {
        String pool = createPool(unique("ev"));
        String deployment = createDeployment(unique("ev-dep"), pool, 0);
        String agent = register(pool);
        String runId = createRun(deployment, "{}");
        ClaimedRun run = claimOne(agent, pool);
        assertThat(run.getRunId()).isEqualTo(runId);
        long epoch = run.getLeaseEpoch();

        EventBatch batch = EventBatch.newBuilder().setSourceId("agent-x")
                .addEvents(state(1, runId, epoch, StateType.RUNNING))
                .addEvents(log(2, runId, epoch, "line one"))
                .addEvents(log(3, runId, epoch, "line two"))
                .addEvents(log(4, runId, epoch, "line three"))
                .addEvents(state(5, runId, epoch, StateType.COMPLETED))
                .build();
        EventAck ack = grpc.events(ADMIN).sendEvents(batch);
        assertThat(ack.getAckedSeq()).isEqualTo(5);
        assertThat(ack.getRejectionsList()).isEmpty();
        assertThat(logMessages(runId)).containsExactly("line one", "line two", "line three");
        assertThat(stateTypes(runId)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("COMPLETED");

        // The same batch again (the agent never saw the ack): acknowledged, not applied twice.
        EventAck again = grpc.events(ADMIN).sendEvents(batch);
        assertThat(again.getAckedSeq()).isEqualTo(5);
        assertThat(again.getRejectionsList()).isEmpty();
        assertThat(logMessages(runId)).hasSize(3);
        assertThat(stateTypes(runId)).hasSize(4);

        // A batch after a gap (6 is missing) is neither applied nor acknowledged.
        EventAck gap = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId("agent-x")
                .addEvents(log(7, runId, epoch, "line after the gap"))
                .addEvents(log(8, runId, epoch, "another line after the gap"))
                .build());
        assertThat(gap.getAckedSeq()).isEqualTo(5);
        assertThat(logMessages(runId)).hasSize(3);

        // Filling the gap applies 6 and 7 in order (an unsorted batch is sorted by seq).
        EventAck filled = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId("agent-x")
                .addEvents(log(7, runId, epoch, "line seven"))
                .addEvents(log(6, runId, epoch, "line six"))
                .build());
        assertThat(filled.getAckedSeq()).isEqualTo(7);
        assertThat(logMessages(runId)).containsExactly("line one", "line two", "line three", "line six", "line seven");
        // Sources are independent: another source starts at 1.
        EventAck other = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId("agent-y")
                .addEvents(log(1, runId, epoch, "from y")).build());
        assertThat(other.getAckedSeq()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ fencing

    /**
     * A control plane that was down could not renew leases: the reaper of a restarted one (a new
     * Reaper on the same store) expires none before a full lease duration from its own start.
     */
    @Test
    void aRestartedReaperGivesEveryLeaseAFullDurationFromItsStart() throws Exception {
        String pool = createPool(unique("restart"));
        String deployment = createDeployment(unique("restart-dep"), pool, 0);
        String agent = register(pool);
        String runId = createRun(deployment, "{}");
        claimOne(agent, pool);
        // The lease ran out while the control plane was down.
        clock.advance(Duration.ofSeconds(31));
        var s = cp.services();
        var restarted = new io.flowplane.controlplane.runs.Reaper(s.execution().ledger(), clock,
                Duration.ofSeconds(60), Duration.ofSeconds(30), new com.codahale.metrics.MetricRegistry());
        restarted.tick();
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("PENDING");
        clock.advance(Duration.ofSeconds(29));
        restarted.tick();
        assertThat(runJson(runId).at("/state/type").asText()).as("29 s after the restart").isEqualTo("PENDING");
        clock.advance(Duration.ofSeconds(2));
        restarted.tick();
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("CRASHED");
    }

    /**
     * Lease expired, the reaper ended the run and it was claimed again: the first agent's epoch is
     * stale, its reports are refused, its heartbeat is told the run is lost.
     */
    @Test
    void anExpiredLeaseIsFencedOnceTheRunIsClaimedAgain() throws Exception {
        String pool = createPool(unique("fence"));
        String deployment = createDeployment(unique("fence-dep"), pool, 1);
        String first = register(pool);
        String second = register(pool);
        String runId = createRun(deployment, "{}");
        ClaimedRun claim = claimOne(first, pool);
        assertThat(claim.getLeaseEpoch()).isEqualTo(1);
        String source = unique("src");
        assertThat(grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(state(1, runId, 1, StateType.RUNNING)).build()).getRejectionsList()).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        cp.services().background().reaper().tick();
        JsonNode crashed = runJson(runId);
        assertThat(crashed.at("/state/type").asText()).isEqualTo("SCHEDULED");
        assertThat(crashed.at("/state/name").asText()).isEqualTo("AwaitingRetry");
        assertThat(stateTypes(runId)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CRASHED", "SCHEDULED");

        ClaimedRun reclaimed = claimOne(second, pool);
        assertThat(reclaimed.getRunId()).isEqualTo(runId);
        // Epochs only need to grow: a new claim is never at the epoch a previous holder knew.
        assertThat(reclaimed.getLeaseEpoch()).isGreaterThan(claim.getLeaseEpoch());
        assertThat(reclaimed.getAttempt()).isEqualTo(2);

        EventAck ack = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(state(2, runId, 1, StateType.COMPLETED))
                .addEvents(log(3, runId, 1, "late line from the first agent"))
                .build());
        assertThat(ack.getAckedSeq()).isEqualTo(3);
        assertThat(ack.getRejectionsList()).extracting(Rejection::getSeq, Rejection::getReason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, Rejection.Reason.STALE_LEASE),
                org.assertj.core.groups.Tuple.tuple(3L, Rejection.Reason.STALE_LEASE));
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("PENDING");
        assertThat(runJson(runId).get("agentId").asText()).isEqualTo(second);
        assertThat(logMessages(runId)).isEmpty();

        HeartbeatResponse beat = grpc.agent(ADMIN).heartbeat(HeartbeatRequest.newBuilder().setAgentId(first)
                .setFreeSlots(0).addRuns(RunLease.newBuilder().setRunId(runId).setLeaseEpoch(1)).build());
        assertThat(beat.getLostRunsList()).extracting(LostRun::getRunId).containsExactly(runId);
        HeartbeatResponse holder = grpc.agent(ADMIN).heartbeat(HeartbeatRequest.newBuilder().setAgentId(second)
                .setFreeSlots(0).addRuns(RunLease.newBuilder().setRunId(runId).setLeaseEpoch(reclaimed.getLeaseEpoch()))
                .build());
        assertThat(holder.getLostRunsList()).isEmpty();
    }

    /**
     * Lease expired and the reaper crashed the run (no retries): the agent no longer holds it, so a
     * report under the old claim must be refused as STALE_LEASE and change nothing.
     */
    @Test
    void anExpiredLeaseIsFencedOnceTheReaperCrashedTheRun() throws Exception {
        String pool = createPool(unique("crash"));
        String deployment = createDeployment(unique("crash-dep"), pool, 0);
        String agent = register(pool);
        String runId = createRun(deployment, "{}");
        ClaimedRun claim = claimOne(agent, pool);
        long epoch = claim.getLeaseEpoch();
        String source = unique("src");
        assertThat(grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(state(1, runId, epoch, StateType.RUNNING)).build()).getRejectionsList()).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        cp.services().background().reaper().tick();
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("CRASHED");
        List<String> history = stateTypes(runId);
        assertThat(history).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CRASHED");

        HeartbeatResponse beat = grpc.agent(ADMIN).heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent)
                .setFreeSlots(1).addRuns(RunLease.newBuilder().setRunId(runId).setLeaseEpoch(epoch)).build());
        assertThat(beat.getLostRunsList()).extracting(LostRun::getRunId).containsExactly(runId);

        EventAck ack = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(state(2, runId, epoch, StateType.COMPLETED))
                .addEvents(log(3, runId, epoch, "late line from an agent that lost its lease"))
                .build());
        assertThat(ack.getAckedSeq()).isEqualTo(3);
        assertThat(runJson(runId).at("/state/type").asText()).isEqualTo("CRASHED");
        assertThat(stateTypes(runId)).isEqualTo(history);
        assertThat(ack.getRejectionsList()).extracting(Rejection::getSeq, Rejection::getReason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, Rejection.Reason.STALE_LEASE),
                org.assertj.core.groups.Tuple.tuple(3L, Rejection.Reason.STALE_LEASE));
        assertThat(logMessages(runId)).isEmpty();
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void heartbeatCarriesAUsersCancelAndTheAgentEndsTheRun() throws Exception {
        String pool = createPool(unique("cancel"));
        String deployment = createDeployment(unique("cancel-dep"), pool, 2);
        String agent = register(pool);
        String runId = createRun(deployment, "{}");
        ClaimedRun claim = claimOne(agent, pool);
        long epoch = claim.getLeaseEpoch();
        String source = unique("src");
        grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(state(1, runId, epoch, StateType.RUNNING)).build());

        HeartbeatRequest beat = HeartbeatRequest.newBuilder().setAgentId(agent).setFreeSlots(0)
                .addRuns(RunLease.newBuilder().setRunId(runId).setLeaseEpoch(epoch)).build();
        assertThat(grpc.agent(ADMIN).heartbeat(beat).getCancelRunIdsList()).isEmpty();

        HttpResponse<String> cancel = cp.admin("POST", "/api/v1/flow-runs/" + runId + "/cancel", null);
        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(cancel.body()).at("/state/type").asText()).isEqualTo("CANCELLING");

        HeartbeatResponse told = grpc.agent(ADMIN).heartbeat(beat);
        assertThat(told.getCancelRunIdsList()).containsExactly(runId);
        assertThat(told.getLostRunsList()).isEmpty();
        assertThat(ProtoMapper.instant(told.getLeaseExpiresAt())).isEqualTo(clock.instant().plusSeconds(30));

        EventAck ack = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(state(2, runId, epoch, StateType.CANCELLED)).build());
        assertThat(ack.getAckedSeq()).isEqualTo(2);
        assertThat(ack.getRejectionsList()).isEmpty();
        JsonNode ended = runJson(runId);
        assertThat(ended.at("/state/type").asText()).isEqualTo("CANCELLED");
        assertThat(ended.get("attempt").asInt()).isEqualTo(1);
        assertThat(stateTypes(runId)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CANCELLING", "CANCELLED");

        HeartbeatResponse after = grpc.agent(ADMIN).heartbeat(beat);
        assertThat(after.getCancelRunIdsList()).isEmpty();
        assertThat(after.getLostRunsList()).extracting(LostRun::getRunId).containsExactly(runId);
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void malformedRequestsAreRefusedWithoutSideEffects() throws Exception {
        String source = unique("bad");
        String someRun = UUID.randomUUID().toString();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.events(ADMIN).sendEvents(EventBatch.newBuilder()
                .setSourceId(source).addEvents(log(1, "not-a-uuid", 1, "x")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.events(ADMIN).sendEvents(EventBatch.newBuilder()
                .setSourceId(source).addEvents(RunEvent.newBuilder().setSeq(1).setRunId(someRun).setLeaseEpoch(1))
                .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.events(ADMIN).sendEvents(EventBatch.newBuilder()
                .setSourceId(source).addEvents(state(1, someRun, 1, StateType.STATE_TYPE_UNSPECIFIED)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.events(ADMIN).sendEvents(EventBatch.newBuilder()
                .addEvents(log(1, someRun, 1, "no source")).build()));
        // A bad group refuses the whole batch.
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.events(ADMIN).sendEvents(EventBatch.newBuilder()
                .setSourceId(source).addEvents(RunEvent.newBuilder().setSeq(1).setRunId(someRun).setLeaseEpoch(1)
                        .setLogLines(io.flowplane.proto.v1.LogLines.newBuilder().setTaskRunId("nope")
                                .addMessages("fine").addMessages("bad")))
                .build()));

        // None of the refused batches consumed a sequence number.
        EventAck ack = grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(log(1, someRun, 1, "unknown run")).build());
        assertThat(ack.getAckedSeq()).isEqualTo(1);
        assertThat(ack.getRejectionsList()).extracting(Rejection::getReason).containsExactly(Rejection.Reason.UNKNOWN_RUN);

        assertStatus(Status.Code.NOT_FOUND, () -> grpc.agent(ADMIN).pollWork(poll("someone", unique("nopool"), 1, 0)));
        assertStatus(Status.Code.NOT_FOUND, () -> grpc.agent(ADMIN).pollWork(poll("someone", unique("nopool"), 1, 5_000)));
        String pool = createPool(unique("badpoll"));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.agent(ADMIN).pollWork(poll("", pool, 1, 0)));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.agent(ADMIN).register(
                RegisterRequest.newBuilder().setAgentId("no-pools").setSlots(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> grpc.agent(ADMIN).heartbeat(HeartbeatRequest.newBuilder()
                .setAgentId("x").addRuns(RunLease.newBuilder().setRunId("nope")).build()));
        assertStatus(Status.Code.NOT_FOUND, () -> grpc.agent(ADMIN).heartbeat(HeartbeatRequest.newBuilder()
                .setAgentId(unique("never-registered")).build()));

        // Values the store cannot hold are bad input (they were INTERNAL), and register nothing.
        String tooLong = "v".repeat(100_000);
        String agentId = unique("oversized");
        for (RegisterRequest.Builder oversized : List.of(
                RegisterRequest.newBuilder().setVersion(tooLong),
                RegisterRequest.newBuilder().setHostname(tooLong),
                RegisterRequest.newBuilder().setName(tooLong),
                RegisterRequest.newBuilder().setName("nul\u0000name"),
                RegisterRequest.newBuilder().putLabels("k", tooLong))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.agent(ADMIN)
                    .register(oversized.setAgentId(agentId).addPools(pool).setSlots(1).build()));
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).matches(".*(name|version|hostname|labels).*");
        }
        assertStatus(Status.Code.NOT_FOUND, () -> grpc.agent(ADMIN).heartbeat(HeartbeatRequest.newBuilder()
                .setAgentId(agentId).build()));
        for (String badId : List.of("../../x", "has space", "tab\tid", "a".repeat(101))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.agent(ADMIN)
                    .register(RegisterRequest.newBuilder().setAgentId(badId).addPools(pool).setSlots(1).build()));
            assertThat(e.getStatus().getCode()).as(badId).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("agent_id");
        }
        StatusRuntimeException farOff = assertThrows(StatusRuntimeException.class, () -> grpc.events(ADMIN)
                .sendEvents(EventBatch.newBuilder().setSourceId(source).addEvents(RunEvent.newBuilder().setSeq(2)
                        .setRunId(someRun).setLeaseEpoch(1).setHeartbeat(io.flowplane.proto.v1.RunHeartbeat.newBuilder())
                        .setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))).build()));
        assertThat(farOff.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(farOff.getStatus().getDescription()).contains("occurred_at");
    }

    // ------------------------------------------------------------------ helpers

    @Test
    void restLogPagesFollowPerRunSequencesAcrossChunks() throws Exception {
        String pool = createPool(unique("logpage"));
        String deployment = createDeployment(unique("logpage-dep"), pool, 0);
        String agent = register(pool);
        String runId = createRun(deployment, "{}");
        long epoch = claimOne(agent, pool).getLeaseEpoch();
        String source = "agent-" + unique("logpage");
        Instant printed = clock.instant().minusSeconds(2);
        // 1,203 lines in one batch (stored as chunks of 1,000 and 203), then 2 more in one event.
        EventBatch.Builder first = EventBatch.newBuilder().setSourceId(source).addEvents(state(1, runId, epoch, StateType.RUNNING));
        for (int i = 1; i <= 1203; i++) {
            first.addEvents(log(i + 1, runId, epoch, "line " + i).toBuilder()
                    .setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(printed.getEpochSecond())));
        }
        assertThat(grpc.events(ADMIN).sendEvents(first.build()).getAckedSeq()).isEqualTo(1204);
        String task = UUID.randomUUID().toString();
        io.flowplane.proto.v1.LogLines group = io.flowplane.proto.v1.LogLines.newBuilder().setTaskRunId(task)
                .setStream(io.flowplane.proto.v1.LogStream.STDERR).setLevel("warn")
                .addMessages("line 1204").addMessages("line 1205").build();
        assertThat(grpc.events(ADMIN).sendEvents(EventBatch.newBuilder().setSourceId(source)
                .addEvents(RunEvent.newBuilder().setSeq(1205).setRunId(runId).setLeaseEpoch(epoch).setLogLines(group))
                .build()).getAckedSeq()).isEqualTo(1205);
        JsonNode grouped = logPage(runId, "after=1203");
        assertThat(seqs(grouped)).containsExactly(1204L, 1205L);
        assertThat(grouped.get("lines")).allSatisfy(l -> {
            assertThat(l.get("stream").asText()).isEqualTo("STDERR");
            assertThat(l.get("level").asText()).isEqualTo("WARN");
            assertThat(l.get("taskRunId").asText()).isEqualTo(task);
        });
        assertThat(grouped.at("/lines/1/message").asText()).isEqualTo("line 1205");

        JsonNode middle = logPage(runId, "after=998&limit=4");
        assertThat(seqs(middle)).containsExactly(999L, 1000L, 1001L, 1002L);
        assertThat(middle.get("next").asLong()).isEqualTo(1002);
        assertThat(middle.get("runFinished").asBoolean()).isFalse();
        JsonNode line = middle.get("lines").get(1);
        List<String> fields = new ArrayList<>();
        line.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("seq", "taskRunId", "at", "stream", "level", "message");
        assertThat(line.get("message").asText()).isEqualTo("line 1000");
        assertThat(line.get("stream").asText()).isEqualTo("STDOUT");
        assertThat(Instant.parse(line.get("at").asText())).isEqualTo(printed);

        // Following next, in pages of 500: every line once, in order, then an empty page.
        List<Long> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = logPage(runId, "after=" + after + "&limit=500");
            if (page.get("lines").isEmpty()) {
                assertThat(page.get("next").asLong()).isEqualTo(after);
                break;
            }
            all.addAll(seqs(page));
            after = page.get("next").asLong();
        }
        assertThat(all).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1205).boxed().toList());
    }

    // ------------------------------------------------------------------ the rest of the state machine

    /** One thing that happens to a claimed run: an agent report, a user action, or the server's reaper. */
    private interface Step {
        void apply(String runId, ClaimedRun claim, String source, AtomicInteger seq) throws Exception;
    }

    private static Step agent(StateType type) {
        return (runId, claim, source, seq) -> assertThat(grpc.events(ADMIN).sendEvents(EventBatch.newBuilder()
                .setSourceId(source).addEvents(state(seq.incrementAndGet(), runId, claim.getLeaseEpoch(), type)).build())
                .getRejectionsList()).as("agent reports " + type).isEmpty();
    }

    private static Step user(String action) {
        return (runId, claim, source, seq) -> assertThat(cp.admin("POST", "/api/v1/flow-runs/" + runId + "/" + action, null)
                .statusCode()).as("user " + action).isEqualTo(200);
    }

    /** Time passes beyond {@code d} and the reaper looks at leases and cancellations. */
    private static Step serverAfter(Duration d) {
        return (runId, claim, source, seq) -> {
            clock.advance(d);
            cp.services().background().reaper().tick();
        };
    }

    /**
     * The transitions the other tests here do not reach, each driven end to end (gRPC reports,
     * REST actions, the reaper on the control plane's clock) from a fresh claim; the history
     * must show exactly the expected states. Together with the rest of the suite they visit
     * every row of the table (TransitionCoverageCheck checks that after the suite).
     */
    static Stream<Arguments> pathsThroughTheTable() {
        Duration pastLease = Duration.ofSeconds(31);
        Duration pastCancelling = Duration.ofSeconds(61);
        return Stream.of(
                Arguments.of("agent fails to start the process", List.of(agent(StateType.FAILED)),
                        List.of("SCHEDULED", "PENDING", "FAILED")),
                Arguments.of("agent loses the run before starting it", List.of(agent(StateType.CRASHED)),
                        List.of("SCHEDULED", "PENDING", "CRASHED")),
                Arguments.of("agent hands the claim back on shutdown", List.of(agent(StateType.SCHEDULED)),
                        List.of("SCHEDULED", "PENDING", "SCHEDULED")),
                Arguments.of("user cancels a claimed run", List.of(user("cancel")),
                        List.of("SCHEDULED", "PENDING", "CANCELLING")),
                Arguments.of("agent reports a crash while running", List.of(agent(StateType.RUNNING), agent(StateType.CRASHED)),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "CRASHED")),
                Arguments.of("a run pauses and resumes", List.of(agent(StateType.RUNNING), agent(StateType.PAUSED),
                        agent(StateType.RUNNING), agent(StateType.COMPLETED)),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "RUNNING", "COMPLETED")),
                Arguments.of("a paused run crashes", List.of(agent(StateType.RUNNING), agent(StateType.PAUSED), agent(StateType.CRASHED)),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CRASHED")),
                Arguments.of("user cancels a paused run", List.of(agent(StateType.RUNNING), agent(StateType.PAUSED), user("cancel")),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING")),
                Arguments.of("a paused run's lease expires", List.of(agent(StateType.RUNNING), agent(StateType.PAUSED),
                        serverAfter(pastLease)),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CRASHED")),
                Arguments.of("the server forces a cancel the agent never confirms", List.of(agent(StateType.RUNNING),
                        user("cancel"), serverAfter(pastCancelling)),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "CANCELLING", "CANCELLED")),
                Arguments.of("user retries a failed run", List.of(agent(StateType.RUNNING), agent(StateType.FAILED), user("retry")),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "FAILED", "SCHEDULED")),
                Arguments.of("user retries a crashed run", List.of(agent(StateType.RUNNING), agent(StateType.CRASHED), user("retry")),
                        List.of("SCHEDULED", "PENDING", "RUNNING", "CRASHED", "SCHEDULED")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathsThroughTheTable")
    void everyPathThroughTheStateMachineEndsInTheStatesItShould(String what, List<Step> steps, List<String> history)
            throws Exception {
        String pool = createPool(unique("path"));
        String deployment = createDeployment(unique("path-dep"), pool, 0);
        String agentId = register(pool);
        String runId = createRun(deployment, "{}");
        ClaimedRun claim = claimOne(agentId, pool);
        String source = unique("path-src");
        AtomicInteger seq = new AtomicInteger();
        for (Step step : steps) {
            step.apply(runId, claim, source, seq);
        }
        assertThat(stateTypes(runId)).as(what).containsExactlyElementsOf(history);
    }

    private static JsonNode logPage(String runId, String query) throws Exception {
        HttpResponse<String> r = cp.admin("GET", "/api/v1/flow-runs/" + runId + "/logs?" + query, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<Long> seqs(JsonNode page) {
        List<Long> out = new ArrayList<>();
        page.get("lines").forEach(l -> out.add(l.get("seq").asLong()));
        return out;
    }

    private static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    private static void assertStatus(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertThat(e.getStatus().getCode()).as("status of the call (%s)", e.getStatus()).isEqualTo(code);
    }

    private static String createPool(String name) throws Exception {
        HttpResponse<String> r = cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return name;
    }

    private static String createDeployment(String name, String pool, int retries) throws Exception {
        String body = """
                {"name":"%s","flowName":"etl-flow","workPool":"%s",
                 "entrypoint":{"command":["python","-m","flows.etl"],"workingDir":"/srv/flows","env":{"MODE":"batch"}},
                 "parameters":{"rows":10,"source":"s3://bucket"},
                 "retries":%d,"retryDelaysSeconds":[0]}""".formatted(name, pool, retries);
        HttpResponse<String> r = cp.admin("POST", "/api/v1/deployments", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return name;
    }

    private static String createRun(String deployment, String body) throws Exception {
        HttpResponse<String> r = cp.admin("POST", "/api/v1/deployments/" + deployment + "/runs", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asText();
    }

    private static String createKey(String name, String role, List<String> pools) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("name", name, "role", role, "pools", pools));
        HttpResponse<String> r = cp.admin("POST", "/api/v1/api-keys", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("key").asText();
    }

    private static String register(String pool) {
        String id = unique("agent");
        RegisterResponse r = grpc.agent(ADMIN).register(RegisterRequest.newBuilder().setAgentId(id).setName(id)
                .addPools(pool).setSlots(4).setVersion("test").setHostname("localhost").build());
        assertThat(r.getAgentId()).isEqualTo(id);
        return id;
    }

    private static PollWorkRequest poll(String agent, String pool, int maxRuns, long waitMillis) {
        PollWorkRequest.Builder b = PollWorkRequest.newBuilder().setAgentId(agent).setPool(pool).setMaxRuns(maxRuns);
        if (waitMillis > 0) {
            b.setWait(ProtoMapper.duration(Duration.ofMillis(waitMillis)));
        }
        return b.build();
    }

    private static ClaimedRun claimOne(String agent, String pool) {
        PollWorkResponse r = grpc.agent(ADMIN).pollWork(poll(agent, pool, 1, 0));
        assertThat(r.getRunsList()).hasSize(1);
        return r.getRuns(0);
    }

    private static JsonNode runJson(String runId) throws Exception {
        HttpResponse<String> r = cp.admin("GET", "/api/v1/flow-runs/" + runId, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> logMessages(String runId) throws Exception {
        HttpResponse<String> r = cp.admin("GET", "/api/v1/flow-runs/" + runId + "/logs?limit=10000", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).get("lines").forEach(l -> out.add(l.get("message").asText()));
        return out;
    }

    private static List<String> stateTypes(String runId) throws Exception {
        HttpResponse<String> r = cp.admin("GET", "/api/v1/flow-runs/" + runId + "/states", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).forEach(s -> out.add(s.get("type").asText()));
        return out;
    }
}
