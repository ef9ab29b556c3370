package io.flowplane.agent;

import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.proto.v1.StateType;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The local relay as a flow process (the SDK) uses it: with FLOWPLANE_EVENTS_ENDPOINT and its
 * token, events about its own run are spooled and acknowledged, duplicates dropped, other runs
 * and unknown tokens refused; a terminal state it reports is kept over the exit code.
 */
class RelayTest {
    @TempDir
    Path dir;

    @Test
    void aFlowReportsThroughTheRelayAndItsTerminalStateIsKept() throws Exception {
        Path env = dir.resolve("env.txt");
        Path release = dir.resolve("release");
        try (Cluster cluster = Cluster.start(dir, c -> { })) {
            cluster.pool("relay");
            // The "flow" hands its contract to the test, waits, then exits non-zero.
            cluster.shellDeployment("sdk", "relay", "echo \"$FLOWPLANE_EVENTS_ENDPOINT $FLOWPLANE_EVENTS_TOKEN "
                    + "$FLOWPLANE_RUN_ID $FLOWPLANE_LEASE_EPOCH\" > " + env + "; while [ ! -f " + release
                    + " ]; do sleep 0.05; done; exit 7");
            cluster.startAgent(cluster.agentConfig("relay", cluster.grpcPort()), Agent.Options.defaults()
                    .withListener(new RunSupervisor.Listener() { }));
            String run = cluster.run("sdk");
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(env) && Files.readString(env).split(" ").length == 4);
            String[] contract = Files.readString(env).trim().split(" ");
            String endpoint = contract[0];
            String token = contract[1];
            long epoch = Long.parseLong(contract[3]);
            assertThat(contract[2]).isEqualTo(run);

            ManagedChannel channel = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
            try {
                var relay = RunEventsServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token));
                RunEvent log1 = log(1, run, epoch, "from the sdk");
                EventBatch batch = EventBatch.newBuilder().setSourceId("sdk-1").addEvents(log1)
                        .addEvents(log(2, "00000000-0000-0000-0000-000000000000", epoch, "not mine"))
                        .addEvents(log(3, run, epoch + 1, "wrong epoch")).build();
                EventAck ack = relay.sendEvents(batch);
                assertThat(ack.getAckedSeq()).isEqualTo(3);
                assertThat(ack.getRejectionsList()).extracting(Rejection::getReason)
                        .containsExactly(Rejection.Reason.INVALID_EVENT, Rejection.Reason.STALE_LEASE);
                // A re-send after a lost ack is a duplicate; the flow's own terminal state follows.
                ack = relay.sendEvents(EventBatch.newBuilder().setSourceId("sdk-1").addEvents(log1)
                        .addEvents(RunEvent.newBuilder().setSeq(4).setRunId(run).setLeaseEpoch(epoch)
                                .setState(FlowRunStateChange.newBuilder().setType(StateType.COMPLETED)
                                        .setMessage("done by the sdk"))).build());
                assertThat(ack.getAckedSeq()).isEqualTo(4);

                var stranger = RunEventsServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer("nope"));
                assertThatThrownBy(() -> stranger.sendEvents(batch)).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            } finally {
                channel.shutdownNow();
            }
            Files.writeString(release, "go");
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    cluster.flowRun(run).get("state").get("message").asText()).isEqualTo("done by the sdk"));
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
            assertThat(cluster.logMessages(run)).isEqualTo(List.of("from the sdk"));
        }
    }

    private static RunEvent log(long seq, String run, long epoch, String text) {
        return RunEvent.newBuilder().setSeq(seq).setRunId(run).setLeaseEpoch(epoch)
                .setLog(LogLine.newBuilder().setStream(LogStream.LOGGER).setLevel("INFO").setMessage(text)).build();
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(m);
            }
        };
    }
}
