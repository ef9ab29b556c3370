package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.automations.AutomationService;
import io.flowplane.controlplane.automations.AutomationSpec;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.model.Automation;
import io.flowplane.controlplane.model.AutomationAction;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Automations: a trigger on events (or their absence) and the actions it takes. */
@Path("/api/v1/automations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AutomationResource {
    private final AutomationService automations;
    private final Json json;

    AutomationResource(AutomationService automations, Json json) {
        this.automations = automations;
        this.json = json;
    }

    record AutomationView(UUID id, String name, String description, boolean enabled, JsonNode trigger,
                          JsonNode actions, Instant createdAt, Instant updatedAt, AutomationService.Health health) {
    }

    record ActionView(UUID id, UUID firingId, int position, JsonNode action, String status, int attempts,
                      Instant nextAt, String lastError, String result, Instant updatedAt) {
        static ActionView of(AutomationAction a, Json json) {
            JsonNode action = json.tree(a.action());
            if (action instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                o.remove("context");
            }
            return new ActionView(a.id(), a.firingId(), a.position(), action, a.status(), a.attempts(), a.nextAt(),
                    a.lastError(), a.result(), a.updatedAt());
        }
    }

    private AutomationView view(Automation a) {
        AutomationSpec spec = automations.spec(a);
        return new AutomationView(a.id(), a.name(), spec.description(), a.enabled(),
                json.mapper().valueToTree(spec.trigger()), json.mapper().valueToTree(spec.actions()), a.createdAt(),
                a.updatedAt(), automations.health(a));
    }

    @POST
    @Requires(Permission.WRITE)
    public Response create(AutomationSpec body) {
        return Response.status(201).entity(view(automations.create(Bodies.required(body)))).build();
    }

    @GET
    @Requires(Permission.READ)
    public List<AutomationView> list() {
        return automations.list().stream().map(this::view).toList();
    }

    @GET
    @Path("/{ref}")
    @Requires(Permission.READ)
    public AutomationView get(@PathParam("ref") String ref) {
        return view(automations.get(ref));
    }

    @PUT
    @Path("/{ref}")
    @Requires(Permission.WRITE)
    public AutomationView replace(@PathParam("ref") String ref, AutomationSpec body) {
        return view(automations.replace(ref, Bodies.required(body)));
    }

    @POST
    @Path("/{ref}/enable")
    @Requires(Permission.WRITE)
    public AutomationView enable(@PathParam("ref") String ref) {
        return view(automations.setEnabled(ref, true));
    }

    @POST
    @Path("/{ref}/disable")
    @Requires(Permission.WRITE)
    public AutomationView disable(@PathParam("ref") String ref) {
        return view(automations.setEnabled(ref, false));
    }

    @DELETE
    @Path("/{ref}")
    @Requires(Permission.WRITE)
    public Response delete(@PathParam("ref") String ref) {
        automations.delete(ref);
        return Response.noContent().build();
    }

    /** The newest actions of its firings, with status, attempts and last error. */
    @GET
    @Path("/{ref}/actions")
    @Requires(Permission.READ)
    public List<ActionView> actions(@PathParam("ref") String ref, @QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ValidationException("limit", "must be between 1 and 500");
        }
        return automations.actions(automations.get(ref), limit).stream().map(a -> ActionView.of(a, json)).toList();
    }
}
