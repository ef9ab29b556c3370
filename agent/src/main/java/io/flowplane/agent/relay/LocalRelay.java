package io.flowplane.agent.relay;

import io.flowplane.proto.logging.FrameLogGuard;
import io.flowplane.agent.exec.ActiveRun;
import io.flowplane.agent.exec.RelayIntake;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.flowplane.agent.connection.AgentBuffers;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The run-events endpoint the agent offers its own flow processes, on loopback only. A process
 * authenticates with its run's token (FLOWPLANE_EVENTS_TOKEN); what it sends goes into the
 * agent's spool and is acknowledged once spooled. The agent stays the only process that talks
 * to the control plane.
 */
public final class LocalRelay implements AutoCloseable {
    private static final Context.Key<ActiveRun> RUN = Context.key("flowplane-relay-run");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;

    private LocalRelay(Server server) {
        this.server = server;
    }

    /** Starts on 127.0.0.1 and a free port; {@code runs} maps a token to its run (null: unknown). */
    public static LocalRelay start(Function<String, ActiveRun> runs, RelayIntake intake) throws IOException {
        return start(runs, intake, 0);
    }

    /**
     * The same on {@code port} if it is free (a restarted agent takes its predecessor's port, so
     * the flows it adopts still reach it), else on a free port.
     */
    public static LocalRelay start(Function<String, ActiveRun> runs, RelayIntake intake, int port) throws IOException {
        if (port > 0) {
            try {
                return new LocalRelay(server(runs, intake, port));
            } catch (IOException taken) {
                // fall through to any free port
            }
        }
        return new LocalRelay(server(runs, intake, 0));
    }

    private static Server server(Function<String, ActiveRun> runs, RelayIntake intake, int port) throws IOException {
        FrameLogGuard.install(); // before the first connection: its frame logger would print the API key
        return NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(new Service(intake), new TokenCheck(runs)))
                .maxInboundMessageSize(16 * 1024 * 1024)
                .withOption(ChannelOption.ALLOCATOR, AgentBuffers.allocator())
                .withChildOption(ChannelOption.ALLOCATOR, AgentBuffers.allocator())
                .build()
                .start();
    }

    public int port() {
        return server.getPort();
    }

    /** The value of FLOWPLANE_EVENTS_ENDPOINT: {@code 127.0.0.1:PORT}. */
    public String endpoint() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }

    private static final class TokenCheck implements ServerInterceptor {
        private final Function<String, ActiveRun> runs;

        TokenCheck(Function<String, ActiveRun> runs) {
            this.runs = runs;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            String header = headers.get(AUTHORIZATION);
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            ActiveRun run = runs.apply(token);
            if (run == null) {
                call.close(Status.UNAUTHENTICATED.withDescription(
                        "unknown run token: send 'authorization: Bearer $FLOWPLANE_EVENTS_TOKEN'"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            return Contexts.interceptCall(Context.current().withValue(RUN, run), call, headers, next);
        }
    }

    private static final class Service extends RunEventsServiceGrpc.RunEventsServiceImplBase {
        private final RelayIntake intake;

        Service(RelayIntake intake) {
            this.intake = intake;
        }

        @Override
        public void sendEvents(EventBatch batch, StreamObserver<EventAck> observer) {
            if (batch.getSourceId().isEmpty()) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("source_id is required").asRuntimeException());
                return;
            }
            EventAck ack;
            try {
                ack = intake.accept(RUN.get(), batch);
            } catch (RelayIntake.SpoolFullException e) {
                observer.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
            observer.onNext(ack);
            observer.onCompleted();
        }
    }
}
