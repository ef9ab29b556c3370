package io.flowplane.agent.connection;

import io.flowplane.proto.endpoints.Endpoints;
import io.flowplane.proto.endpoints.TlsCredentials;
import io.flowplane.proto.logging.FrameLogGuard;
import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.agent.audit.EgressAudit;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's one channel to the control plane. The agent opens it outward; keepalive pings
 * notice a connection a NAT or proxy dropped silently (30 s, inside the usual NAT idle timeouts
 * and above the 10 s the server permits); every stub handed out carries a deadline and the API key.
 */
public final class ControlPlaneConnection implements Closeable {

    /**
     * Where and how to connect. {@code caFile} null: the JVM's trusted CAs. {@code clientCertFile} and
     * {@code clientKeyFile} (PEM, PKCS#8 key): the agent's certificate for mutual TLS, or null.
     */
    public record Settings(String url, String apiKey, boolean tls, String caFile, String clientCertFile,
                           String clientKeyFile, Duration keepAliveTime, Duration keepAliveTimeout) {
        /** The record's own toString prints the API key; a Settings in a log line or message must not. */
        @Override
        public String toString() {
            return "Settings[url=" + url + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "(none)" : "(set, masked)")
                    + ", tls=" + tls + ", caFile=" + caFile + ", clientCertFile=" + clientCertFile
                    + ", clientKeyFile=" + clientKeyFile + ", keepAliveTime=" + keepAliveTime
                    + ", keepAliveTimeout=" + keepAliveTimeout + "]";
        }
    }

    /** {@code audit}: records every message sent on this channel, or null; closed with the connection. */
    public static ControlPlaneConnection open(Settings s, EgressAudit audit) throws IOException {
        ControlPlaneConnection c = open(s);
        return audit == null ? c : new ControlPlaneConnection(
                c.channel, ClientInterceptors.intercept(c.channel, audit), c.credentials, audit, c.reconnects);
    }

    private final ManagedChannel channel;
    /** The channel calls go through: {@link #channel}, or it behind the egress audit. */
    private final Channel calls;
    private final ApiKeyCredentials credentials;
    private final EgressAudit audit;
    /** Shared by a connection and its audited wrapper: both stand for one channel. */
    private final AtomicLong reconnects;

    private final AtomicBoolean wasReady = new AtomicBoolean();

    private ControlPlaneConnection(ManagedChannel channel, Channel calls, ApiKeyCredentials credentials, EgressAudit audit,
                                   AtomicLong reconnects) {
        this.reconnects = reconnects;
        this.channel = channel;
        this.calls = calls;
        this.credentials = credentials;
        this.audit = audit;
    }

    /**
     * Counts every time the channel is READY again after it had been READY and lost it: a control
     * plane restarted, a network restored, or a move to another replica, which gRPC makes inside the
     * channel without the calls ever failing (so the retry loops' {@link #reconnectNow()} never sees
     * it). Called once per channel; the callback re-arms itself on each change.
     */
    private void countReconnects(ConnectivityState seen) {
        ConnectivityState now = channel.getState(false);
        if (now == ConnectivityState.READY && seen != ConnectivityState.READY && wasReady.getAndSet(true)) {
            reconnects.incrementAndGet();
        }
        if (now != ConnectivityState.SHUTDOWN) {
            channel.notifyWhenStateChanged(now, () -> countReconnects(now));
        }
    }

    public static ControlPlaneConnection open(Settings s) throws IOException {
        // One endpoint, or several replicas separated by commas (cp-a:9090,cp-b:9090), all plaintext or all TLS.
        Endpoints target = Endpoints.parse(s.url(), "control plane url", s.tls(), 9090);
        if (!target.tls() && s.clientCertFile() != null) {
            throw new IllegalArgumentException("a client certificate needs TLS: use grpcs:// or --tls");
        }
        // Plaintext only when asked for: a TLS target that fails its handshake is an error, never a retry without TLS.
        ChannelCredentials creds = InsecureChannelCredentials.create();
        if (target.tls()) {
            creds = TlsCredentials.of(path(s.caFile()), path(s.clientCertFile()), path(s.clientKeyFile()));
        }
        FrameLogGuard.install(); // before the first connection: its frame logger would print the API key
        ManagedChannel channel = builder(target, creds)
                .keepAliveTime(s.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(s.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .withOption(ChannelOption.ALLOCATOR, AgentBuffers.allocator())
                .build();
        ControlPlaneConnection connection = new ControlPlaneConnection(channel, channel, new ApiKeyCredentials(s.apiKey()), null,
                new AtomicLong());
        connection.countReconnects(ConnectivityState.IDLE);
        return connection;
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }

    public AgentServiceGrpc.AgentServiceBlockingStub agent(Duration deadline) {
        return AgentServiceGrpc.newBlockingStub(calls).withCallCredentials(credentials)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public AgentServiceGrpc.AgentServiceStub agentAsync(Duration deadline) {
        return AgentServiceGrpc.newStub(calls).withCallCredentials(credentials)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public RunEventsServiceGrpc.RunEventsServiceBlockingStub events(Duration deadline) {
        return RunEventsServiceGrpc.newBlockingStub(calls).withCallCredentials(credentials)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Called by a loop that is about to retry after a failure: gRPC's own reconnect backoff grows
     * to two minutes, ours (with jitter) is shorter, so a restored network is used at once.
     */
    public void reconnectNow() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
    }

    /** Times the connection was re-established after one was lost (to the same or another replica). */
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
        if (audit != null) {
            try {
                audit.close();
            } catch (IOException e) {
                // The audit's lines are written as they happen; nothing is left to lose.
            }
        }
    }

    /** One endpoint: straight to it; several (replicas): a channel that moves between them. */
    private static NettyChannelBuilder builder(Endpoints target, ChannelCredentials creds) {
        if (target.all().size() == 1) {
            return NettyChannelBuilder.forAddress(target.first().host(), target.first().port(), creds);
        }
        return NettyChannelBuilder.forTarget(target.grpcTarget(), creds);
    }
}
