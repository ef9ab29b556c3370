package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.auth.Principal;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who the calling key is and what it may do, so a client (the web UI) shows only the actions the
 * API would accept. The server still checks every call.
 */
@Path("/api/v1/whoami")
@Produces(MediaType.APPLICATION_JSON)
public final class WhoAmIResource {

    public record WhoAmI(String name, String role, List<String> permissions) {
    }

    @GET
    @Requires(Permission.READ)
    public WhoAmI get(@Context ContainerRequestContext request) {
        Principal p = (Principal) request.getProperty(Authentication.PRINCIPAL);
        List<String> permissions = Arrays.stream(Permission.values()).filter(p::may)
                .map(x -> x.name().toLowerCase(Locale.ROOT)).toList();
        return new WhoAmI(p.name(), p.role().label(), permissions);
    }
}
