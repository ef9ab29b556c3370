package io.flowplane.agent.connection;

import io.flowplane.proto.logging.FrameLogGuard;
import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent's one channel to the control plane. The agent opens it outward; keepalive pings
 * notice a connection a NAT or proxy dropped silently (30 s, inside the usual NAT idle timeouts
 * and above the 10 s the server permits); every stub handed out carries a deadline and the API key.
 */
public final class ControlPlaneConnection implements Closeable {

    /** Where and how to connect. {@code caFile} null: the JVM's trusted CAs. */
    public record Settings(String url, String apiKey, boolean tls, String caFile, Duration keepAliveTime,
                           Duration keepAliveTimeout) {
    }

    private final ManagedChannel channel;
    private final ApiKeyCredentials credentials;
    private final java.util.concurrent.atomic.AtomicLong reconnects = new java.util.concurrent.atomic.AtomicLong();

    private ControlPlaneConnection(ManagedChannel channel, ApiKeyCredentials credentials) {
        this.channel = channel;
        this.credentials = credentials;
    }

    public static ControlPlaneConnection open(Settings s) throws IOException {
        Target target = Target.parse(s.url(), s.tls());
        ChannelCredentials creds = InsecureChannelCredentials.create();
        if (target.tls()) {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            if (s.caFile() != null) {
                tls.trustManager(new File(s.caFile()));
            }
            creds = tls.build();
        }
        FrameLogGuard.install(); // before the first connection: its frame logger would print the API key
        ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port(), creds)
                .keepAliveTime(s.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(s.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .withOption(ChannelOption.ALLOCATOR, AgentBuffers.allocator())
                .build();
        return new ControlPlaneConnection(channel, new ApiKeyCredentials(s.apiKey()));
    }

    public AgentServiceGrpc.AgentServiceBlockingStub agent(Duration deadline) {
        return AgentServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public AgentServiceGrpc.AgentServiceStub agentAsync(Duration deadline) {
        return AgentServiceGrpc.newStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public RunEventsServiceGrpc.RunEventsServiceBlockingStub events(Duration deadline) {
        return RunEventsServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Called by a loop that is about to retry after a failure: gRPC's own reconnect backoff grows
     * to two minutes, ours (with jitter) is shorter, so a restored network is used at once.
     */
    public void reconnectNow() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            reconnects.incrementAndGet();
            channel.resetConnectBackoff();
        }
    }

    /** Times a failed connection was retried at once (see {@link #reconnectNow()}). */
    public long reconnects() {
        return reconnects.get();
    }

    /** Whether the channel has a working connection now (or is idle after one: it reconnects on use). */
    public boolean connected() {
        ConnectivityState state = channel.getState(false);
        return state == ConnectivityState.READY || state == ConnectivityState.IDLE;
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

    /** host:port, grpc://host:port (plaintext) or grpcs://host:port (TLS); http(s):// are accepted too. */
    record Target(String host, int port, boolean tls) {
        static Target parse(String url, boolean tls) {
            String u = url.trim();
            if (!u.contains("://")) {
                u = (tls ? "grpcs://" : "grpc://") + u;
            }
            URI uri = URI.create(u);
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            boolean secure = tls || scheme.equals("grpcs") || scheme.equals("https");
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("control plane url '" + url + "' has no host");
            }
            return new Target(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 9090, secure);
        }
    }
}
