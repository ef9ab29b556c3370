package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.automations.InboundWebhooks;
import io.flowplane.controlplane.model.InboundWebhook;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Inbound webhooks: managed with API keys, called by external systems with the webhook's own secret. */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class WebhookResource {
    static final String SECRET_HEADER = "X-Flowplane-Webhook-Secret";

    private final InboundWebhooks webhooks;

    WebhookResource(InboundWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    record WebhookView(UUID id, String name, String path, Instant createdAt) {
        static WebhookView of(InboundWebhook w) {
            return new WebhookView(w.id(), w.name(), "/api/v1/webhooks/" + w.id(), w.createdAt());
        }
    }

    /** The secret appears in this answer only. */
    record CreatedView(UUID id, String name, String path, String secret, Instant createdAt) {
    }

    record NameBody(String name) {
    }

    @POST
    @Requires(Permission.WRITE)
    public Response create(NameBody body) {
        InboundWebhooks.Created c = webhooks.create(Bodies.required(body).name());
        return Response.status(201).entity(new CreatedView(c.webhook().id(), c.webhook().name(),
                "/api/v1/webhooks/" + c.webhook().id(), c.secret(), c.webhook().createdAt())).build();
    }

    @GET
    @Requires(Permission.READ)
    public List<WebhookView> list() {
        return webhooks.list().stream().map(WebhookView::of).toList();
    }

    @DELETE
    @Path("/{ref}")
    @Requires(Permission.WRITE)
    public Response delete(@PathParam("ref") String ref) {
        webhooks.delete(ref);
        return Response.noContent().build();
    }

    /** Called by the external system: the JSON body becomes a webhook.received event. */
    @POST
    @Path("/{ref}")
    @OwnSecret
    public Response receive(@PathParam("ref") String ref, @HeaderParam(SECRET_HEADER) String secret, JsonNode body) {
        if (webhooks.receive(ref, secret, body).isEmpty()) {
            return Problem.response(401, "Unauthorized", "unknown webhook, or a wrong or missing "
                    + SECRET_HEADER + " header", List.of());
        }
        return Response.accepted().build();
    }
}
