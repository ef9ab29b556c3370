package io.flowplane.controlplane.grpc;

import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.auth.Principal;
import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.state.IllegalTransitionException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/** Maps domain errors to gRPC status codes; unexpected errors become INTERNAL without details. */
final class GrpcErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    static Principal require(Permission permission) {
        Principal p = AuthInterceptor.PRINCIPAL.get();
        if (p == null || !p.may(permission)) {
            throw Status.PERMISSION_DENIED.withDescription("this API key's role may not " + permission.name().toLowerCase(java.util.Locale.ROOT))
                    .asRuntimeException();
        }
        return p;
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    /** Runs a unary call, answering exactly once with its result or a mapped error. */
    static <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(e));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }

    static StatusRuntimeException toStatus(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof ValidationException || e instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof NotFoundException) {
            return Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof ConflictException || e instanceof IllegalTransitionException) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        LOG.error("gRPC call failed", e);
        return Status.INTERNAL.withDescription("internal error; see the control plane's log").asRuntimeException();
    }
}
