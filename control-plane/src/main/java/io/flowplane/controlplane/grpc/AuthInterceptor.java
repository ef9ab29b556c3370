package io.flowplane.controlplane.grpc;

import io.flowplane.controlplane.auth.ApiKeys;
import io.flowplane.controlplane.auth.Principal;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import javax.net.ssl.SSLSession;
import java.util.Optional;

/**
 * Authenticates every gRPC call by its "authorization: Bearer fp_…" metadata (and, with mutual TLS,
 * its client certificate), or with binding {@code certificate} by the client certificate alone.
 */
final class AuthInterceptor implements ServerInterceptor {
    static final Context.Key<Principal> PRINCIPAL = Context.key("flowplane-principal");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ApiKeys keys;
    private final ClientCertificates certificates;

    /** {@code certificates} null: no mutual TLS. */
    AuthInterceptor(ApiKeys keys, ClientCertificates certificates) {
        this.keys = keys;
        this.certificates = certificates;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Principal principal;
        if (certificates != null && certificates.alone()) {
            // The certificate is the credential; an API key sent along adds nothing and is not read.
            ClientCertificates.Verdict verdict = certificates.identify(session(call));
            if (verdict.refusal() != null) {
                return refuse(call, verdict.refusal());
            }
            principal = verdict.principal();
        } else {
            String header = headers.get(AUTHORIZATION);
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            Optional<Principal> byKey = keys.authenticate(token);
            if (byKey.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(token == null
                        ? "missing API key: send 'authorization: Bearer fp_…'" : "unknown or revoked API key"));
            }
            if (certificates != null) {
                Optional<Status> refused = certificates.check(session(call), byKey.get());
                if (refused.isPresent()) {
                    return refuse(call, refused.get());
                }
            }
            principal = byKey.get();
        }
        ServerCall.Listener<Q> listener =
                Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal), call, headers, next);
        return new AsCaller<>(listener, principal);
    }

    private static SSLSession session(ServerCall<?, ?> call) {
        return call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    }

    private static <Q> ServerCall.Listener<Q> refuse(ServerCall<Q, ?> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() { };
    }

    /**
     * Runs each callback with the key as this thread's {@link io.flowplane.controlplane.auth.Caller}, so
     * the state changes a report writes on it name the agent's key.
     */
    private static final class AsCaller<Q> extends io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final Principal principal;

        AsCaller(ServerCall.Listener<Q> delegate, Principal principal) {
            super(delegate);
            this.principal = principal;
        }

        private void as(Runnable r) {
            io.flowplane.controlplane.auth.Caller.open();
            io.flowplane.controlplane.auth.Caller.identify(principal);
            try {
                r.run();
            } finally {
                io.flowplane.controlplane.auth.Caller.close();
            }
        }

        @Override
        public void onMessage(Q message) {
            as(() -> super.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            as(super::onHalfClose);
        }

        @Override
        public void onCancel() {
            as(super::onCancel);
        }

        @Override
        public void onComplete() {
            as(super::onComplete);
        }

        @Override
        public void onReady() {
            as(super::onReady);
        }
    }
}
