package io.flowplane.controlplane.ops;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.time.Duration;

/** Times every gRPC call from its start to its close, by full method name and status code. */
public final class GrpcMetrics implements ServerInterceptor {
    private final OpsMetrics metrics;

    public GrpcMetrics(OpsMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                metrics.grpc(method, status.getCode().name(), Duration.ofNanos(System.nanoTime() - started));
                super.close(status, trailers);
            }
        }, headers);
    }
}
