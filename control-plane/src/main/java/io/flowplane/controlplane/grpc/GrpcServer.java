package io.flowplane.controlplane.grpc;

import io.flowplane.proto.logging.FrameLogGuard;
import io.dropwizard.lifecycle.Managed;
import io.flowplane.controlplane.agents.AgentCommands;
import io.flowplane.controlplane.services.Services;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The gRPC endpoint for agents and the SDK. TLS when a certificate and key are configured. */
public final class GrpcServer implements Managed {
    private final GrpcConfiguration config;
    private final Services services;
    private final Duration leaseDuration;
    private final Duration heartbeatInterval;
    private final io.grpc.ServerInterceptor[] outer;
    private Server server;
    private volatile AgentCommands commands;

    /** {@code outer} interceptors see every call before authentication (metrics: refused calls count too). */
    public GrpcServer(GrpcConfiguration config, Services services, Duration leaseDuration, Duration heartbeatInterval,
                      io.grpc.ServerInterceptor... outer) {
        this.outer = outer;
        this.config = config;
        this.services = services;
        this.leaseDuration = leaseDuration;
        this.heartbeatInterval = heartbeatInterval;
    }

    /** Agents' command streams open on this server (for tests). */
    public int commandStreams() {
        return commands == null ? 0 : commands.openStreams();
    }

    @Override
    public void start() throws IOException {
        AuthInterceptor auth = new AuthInterceptor(services.core().apiKeys(), clientCertificates());
        commands = new AgentCommands(services.execution().ledger().leases());
        services.core().signals().subscribe(commands);
        var agentService = new AgentGrpcService(services, config.maxPollWait.toJavaDuration(),
                leaseDuration, heartbeatInterval, commands);
        FrameLogGuard.install(); // before the first connection: its frame logger would print the API key
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost, config.port),
                credentials());
        for (io.grpc.ServerInterceptor i : outer) {
            builder.intercept(i);
        }
        server = builder
                .addService(ServerInterceptors.intercept(agentService, auth))
                .addService(ServerInterceptors.intercept(new RunEventsGrpcService(services), auth))
                // Agents sit behind NATs and proxies: let them ping every 10 s, ping idle ones ourselves.
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .maxInboundMessageSize(config.maxInboundMessageBytes)
                .build()
                .start();
    }

    /** Null without mutual TLS; a binding or revocation list without a client CA is refused, not ignored. */
    private ClientCertificates clientCertificates() {
        ClientCertificates.Binding binding = ClientCertificates.Binding.parse(config.clientCertBinding);
        if (config.clientCaFile == null) {
            if (binding != ClientCertificates.Binding.KEY || !config.revokedClientSerials.isEmpty()) {
                throw new IllegalStateException("grpc.clientCertBinding '" + config.clientCertBinding
                        + "' and grpc.revokedClientSerials need mutual TLS: set grpc.clientCaFile");
            }
            return null;
        }
        return new ClientCertificates(config.revokedClientSerials, config.clientCertBinding);
    }

    private ServerCredentials credentials() throws IOException {
        if ((config.certChainFile == null) != (config.privateKeyFile == null)) {
            throw new IllegalStateException("grpc TLS needs both certChainFile and privateKeyFile (PKCS#8 PEM)");
        }
        if (config.certChainFile == null) {
            if (config.clientCaFile != null) {
                throw new IllegalStateException("grpc.clientCaFile (mutual TLS) needs TLS: set certChainFile and privateKeyFile");
            }
            return InsecureServerCredentials.create();
        }
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                .keyManager(new File(config.certChainFile), new File(config.privateKeyFile));
        if (config.clientCaFile != null) {
            // The handshake refuses a client without a certificate from these CAs, or with an expired one.
            tls.trustManager(new File(config.clientCaFile)).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return tls.build();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void stop() throws InterruptedException {
        if (server != null) {
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        }
    }
}
