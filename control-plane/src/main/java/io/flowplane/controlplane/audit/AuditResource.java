package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.model.AuditEvent;
import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.ValidationException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/v1/audit-events}: newest first, cursor paging; admins only. */
@Path("/api/v1/audit-events")
@Produces(MediaType.APPLICATION_JSON)
@Requires(Permission.ADMIN)
public final class AuditResource {
    static final int MAX_LIMIT = 500;

    private final AuditLog log;

    public AuditResource(AuditLog log) {
        this.log = log;
    }

    public record AuditEventView(long id, Instant at, UUID keyId, String keyName, String role, String transport,
                                 String method, String resource, int status, String outcome, String remoteAddress) {
        static AuditEventView of(AuditEvent e) {
            return new AuditEventView(e.id(), e.at(), e.keyId(), e.keyName(), e.role(), e.transport(), e.method(),
                    e.resource(), e.status(), e.outcome(), e.remoteAddress());
        }
    }

    public record AuditPage(List<AuditEventView> items, String nextCursor) {
    }

    @GET
    public AuditPage list(@QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("cursor") String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        List<AuditEvent> events = log.page(cursor(cursor), limit);
        String next = events.size() == limit ? Long.toString(events.get(events.size() - 1).id()) : null;
        return new AuditPage(events.stream().map(AuditEventView::of).toList(), next);
    }

    private static Long cursor(String value) {
        if (value == null) {
            return null;
        }
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ValidationException("cursor", "is not a cursor returned by this API");
    }
}
