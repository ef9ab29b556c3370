package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.automations.NotificationService;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.model.NotificationAttempt;
import io.flowplane.controlplane.model.NotificationDelivery;
import io.flowplane.controlplane.model.NotificationTarget;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Where notify actions deliver; the signing secret is write-only. */
@Path("/api/v1/notification-targets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class NotificationTargetResource {
    private final NotificationService notifications;

    NotificationTargetResource(NotificationService notifications) {
        this.notifications = notifications;
    }

    /**
     * The URL is shown as scheme, host and port only: a Slack webhook URL's path is itself a
     * credential, and so is a user:password before the host.
     */
    record TargetView(UUID id, String name, String kind, String urlHost, boolean signed, String template,
                      Instant createdAt) {
        static TargetView of(NotificationTarget t) {
            java.net.URI u = java.net.URI.create(t.url());
            String host = u.getHost() != null ? u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())
                    : u.getRawAuthority().substring(u.getRawAuthority().lastIndexOf('@') + 1);
            return new TargetView(t.id(), t.name(), t.kind(), u.getScheme() + "://" + host,
                    t.secret() != null && NotificationTarget.WEBHOOK.equals(t.kind()), t.template(), t.createdAt());
        }
    }

    record AttemptView(Instant at, Integer statusCode, String error, long durationMs) {
        static AttemptView of(NotificationAttempt a) {
            return new AttemptView(a.at(), a.statusCode(), a.error(), a.durationMs());
        }
    }

    record DeliveryView(UUID id, UUID actionId, Long eventId, String status, int attempts, Integer lastStatus,
                        String lastError, Instant nextAt, Instant createdAt, List<AttemptView> log) {
        static DeliveryView of(NotificationService.Delivery d) {
            NotificationDelivery x = d.delivery();
            return new DeliveryView(x.id(), x.actionId(), x.eventId(), x.status(), x.attempts(), x.lastStatus(),
                    x.lastError(), x.nextAt(), x.createdAt(), d.attempts().stream().map(AttemptView::of).toList());
        }
    }

    @POST
    @Requires(Permission.WRITE)
    public Response create(NotificationService.NewTarget body) {
        return Response.status(201).entity(TargetView.of(notifications.create(Bodies.required(body)))).build();
    }

    @GET
    @Requires(Permission.READ)
    public List<TargetView> list() {
        return notifications.list().stream().map(TargetView::of).toList();
    }

    @GET
    @Path("/{ref}")
    @Requires(Permission.READ)
    public TargetView get(@PathParam("ref") String ref) {
        return TargetView.of(notifications.get(ref));
    }

    @DELETE
    @Path("/{ref}")
    @Requires(Permission.WRITE)
    public Response delete(@PathParam("ref") String ref) {
        notifications.delete(ref);
        return Response.noContent().build();
    }

    /** The delivery log: newest deliveries first, each with every attempt. */
    @GET
    @Path("/{ref}/deliveries")
    @Requires(Permission.READ)
    public List<DeliveryView> deliveries(@PathParam("ref") String ref,
                                         @QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ValidationException("limit", "must be between 1 and 500");
        }
        return notifications.deliveries(ref, limit).stream().map(DeliveryView::of).toList();
    }
}
