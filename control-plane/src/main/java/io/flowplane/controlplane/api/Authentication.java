package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.auth.ApiKeys;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.auth.Principal;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Optional;

/** Authenticates every REST call by API key and checks the method's {@link Requires} permission. */
final class Authentication implements DynamicFeature {
    static final String PRINCIPAL = "flowplane.principal";

    private final ApiKeys keys;

    Authentication(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        if (info.getResourceMethod().isAnnotationPresent(OwnSecret.class)) {
            return;
        }
        Requires r = info.getResourceMethod().getAnnotation(Requires.class);
        if (r == null) {
            r = info.getResourceClass().getAnnotation(Requires.class);
        }
        context.register(new Check(keys, r == null ? Permission.ADMIN : r.value()));
    }

    @Priority(Priorities.AUTHENTICATION)
    private static final class Check implements ContainerRequestFilter {
        private final ApiKeys keys;
        private final Permission needed;

        Check(ApiKeys keys, Permission needed) {
            this.keys = keys;
            this.needed = needed;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            Optional<Principal> principal = keys.authenticate(token);
            if (principal.isEmpty()) {
                Response r = Problem.response(401, "Unauthorized", token == null
                        ? "missing API key: send 'Authorization: Bearer fp_…'" : "unknown or revoked API key", List.of());
                reject(request, Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
                return;
            }
            // Before the permission check: a refused write is audited with the key that tried it.
            io.flowplane.controlplane.auth.Caller.identify(principal.get());
            if (!principal.get().may(needed)) {
                reject(request, Problem.response(403, "Forbidden", "role '" + principal.get().role().label()
                        + "' may not do this (needs " + needed.name().toLowerCase(java.util.Locale.ROOT) + ")", List.of()));
                return;
            }
            request.setProperty(PRINCIPAL, principal.get());
        }

        /**
         * Reads the unread request body before answering: otherwise the server closes the
         * kept-alive connection right after the answer, and a client that already sent its next
         * request on it sees that request fail ("header parser received no bytes").
         */
        private static void reject(ContainerRequestContext request, Response response) {
            if (request.hasEntity()) {
                BodyLimit.drain(request.getEntityStream(), BodyLimit.DRAIN_BYTES);
            }
            request.abortWith(response);
        }
    }
}
