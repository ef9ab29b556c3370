package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.auth.ApiKeys;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.model.Role;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.model.ApiKey;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Set;
import java.util.UUID;

@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Requires(Permission.ADMIN)
public final class ApiKeyResource {
    private final ApiKeys keys;

    ApiKeyResource(ApiKeys keys) {
        this.keys = keys;
    }

    /** The response holds the key itself; it is never shown again. */
    @POST
    public Response create(CreateKey body) {
        CreateKey b = Bodies.required(body);
        Role role;
        try {
            role = Role.ofLabel(b.role() == null ? "" : b.role());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("role", e.getMessage());
        }
        io.flowplane.controlplane.common.Validator v = new io.flowplane.controlplane.common.Validator();
        List<String> pools = b.pools() == null ? List.of() : b.pools();
        for (int i = 0; i < pools.size(); i++) {
            v.name(pools.get(i), "pools[" + i + "]");
        }
        v.throwIfInvalid();
        ApiKeys.Created created = keys.create(b.name(), role, Set.copyOf(pools));
        return Response.status(201).entity(view(created.key(), created.secret())).build();
    }

    @GET
    public List<Views.ApiKeyView> list() {
        return keys.list().stream().map(k -> view(k, null)).toList();
    }

    @DELETE
    @Path("/{id}")
    public Views.ApiKeyView revoke(@PathParam("id") UUID id) {
        return view(keys.revoke(id), null);
    }

    private Views.ApiKeyView view(ApiKey k, String secret) {
        return Views.ApiKeyView.of(k, List.copyOf(keys.readPools(k.pools())), secret);
    }

    /** Body of POST /api-keys. */
    public record CreateKey(String name, String role, List<String> pools) {
    }
}
