package io.flowplane.sdk;

import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.grpc.Contexts;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A stand-in for the agent's local relay: a real gRPC server on loopback serving
 * RunEventsService like the control plane does (contiguous sequences per source, duplicates
 * dropped, ack = highest stored), recording what it stores. It can fail calls, acknowledge
 * only part of a batch, and reject events as stale.
 */
final class FakeRelay implements AutoCloseable {
    private static final Context.Key<String> AUTH = Context.key("auth");

    final List<RunEvent> stored = new ArrayList<>();
    final List<String> authorizations = new ArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile int failFirstCalls;
    volatile boolean ackHalfOfEachBatch;
    volatile Predicate<RunEvent> stale = e -> false;
    private String source;
    private long acked;
    private final Server server;

    FakeRelay() throws IOException {
        ServerInterceptor captureAuth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                String auth = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                return Contexts.interceptCall(Context.current().withValue(AUTH, auth), call, headers, next);
            }
        };
        server = ServerBuilder.forPort(0).addService(ServerInterceptors.intercept(new Service(), captureAuth)).build()
                .start();
    }

    String target() {
        return "127.0.0.1:" + server.getPort();
    }

    synchronized List<RunEvent> events() {
        return List.copyOf(stored);
    }

    private final class Service extends RunEventsServiceGrpc.RunEventsServiceImplBase {
        @Override
        public void sendEvents(EventBatch batch, StreamObserver<EventAck> observer) {
            synchronized (FakeRelay.this) {
                authorizations.add(AUTH.get());
                if (calls.incrementAndGet() <= failFirstCalls) {
                    observer.onError(Status.UNAVAILABLE.withDescription("relay restarting").asRuntimeException());
                    return;
                }
                if (source != null && !source.equals(batch.getSourceId())) {
                    throw new IllegalStateException("one process, one source id");
                }
                source = batch.getSourceId();
                int take = ackHalfOfEachBatch ? Math.max(1, batch.getEventsCount() / 2) : batch.getEventsCount();
                EventAck.Builder ack = EventAck.newBuilder();
                for (RunEvent e : batch.getEventsList().subList(0, take)) {
                    if (e.getSeq() <= acked) {
                        continue;
                    }
                    if (e.getSeq() != acked + 1) {
                        break;
                    }
                    stored.add(e);
                    acked = e.getSeq();
                    if (stale.test(e)) {
                        ack.addRejections(Rejection.newBuilder().setSeq(e.getSeq()).setRunId(e.getRunId())
                                .setReason(Rejection.Reason.STALE_LEASE).setMessage("lease moved on"));
                    }
                }
                observer.onNext(ack.setAckedSeq(acked).build());
                observer.onCompleted();
            }
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
