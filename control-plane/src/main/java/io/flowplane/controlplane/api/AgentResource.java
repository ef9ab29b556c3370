package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentResource {
    private final AgentRegistry agents;
    private final Json json;

    AgentResource(AgentRegistry agents, Json json) {
        this.agents = agents;
        this.json = json;
    }

    @GET
    @Requires(Permission.READ)
    public List<Views.AgentView> list() {
        return agents.list().stream().map(a -> Views.AgentView.of(a, agents.online(a), json)).toList();
    }

    @GET
    @Path("/{id}")
    @Requires(Permission.READ)
    public Views.AgentView get(@PathParam("id") String id) {
        var a = agents.get(id);
        return Views.AgentView.of(a, agents.online(a), json);
    }
}
