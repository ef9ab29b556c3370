package io.flowplane.controlplane.grpc;

import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.proto.v1.StateType;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext channel to a control plane's gRPC port, and stubs that carry an API key and a
 * deadline. Stubs are made per call: a stub's deadline is fixed when the stub is created.
 */
public final class GrpcTestClient implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(15);

    private final ManagedChannel channel;

    public GrpcTestClient(int port) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Adds "authorization: Bearer key" to every call; a null key sends no header at all. */
    public static ClientInterceptor bearer(String key) {
        Metadata headers = new Metadata();
        if (key != null) {
            headers.put(AUTHORIZATION, "Bearer " + key);
        }
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    public AgentServiceGrpc.AgentServiceBlockingStub agent(String key) {
        return agent(key, DEFAULT_DEADLINE);
    }

    public AgentServiceGrpc.AgentServiceBlockingStub agent(String key, Duration deadline) {
        return AgentServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(key))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public AgentServiceGrpc.AgentServiceFutureStub agentFuture(String key, Duration deadline) {
        return AgentServiceGrpc.newFutureStub(channel).withInterceptors(bearer(key))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** For streams (no deadline: the stream lives as long as the test holds it). */
    public AgentServiceGrpc.AgentServiceStub agentAsync(String key) {
        return AgentServiceGrpc.newStub(channel).withInterceptors(bearer(key));
    }

    public RunEventsServiceGrpc.RunEventsServiceBlockingStub events(String key) {
        return events(key, DEFAULT_DEADLINE);
    }

    public RunEventsServiceGrpc.RunEventsServiceBlockingStub events(String key, Duration deadline) {
        return RunEventsServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(key))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static RunEvent state(long seq, String runId, long epoch, StateType type) {
        return RunEvent.newBuilder().setSeq(seq).setRunId(runId).setLeaseEpoch(epoch)
                .setState(FlowRunStateChange.newBuilder().setType(type)).build();
    }

    public static RunEvent log(long seq, String runId, long epoch, String message) {
        return RunEvent.newBuilder().setSeq(seq).setRunId(runId).setLeaseEpoch(epoch)
                .setLog(LogLine.newBuilder().setStream(LogStream.STDOUT).setLevel("INFO").setMessage(message)).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
