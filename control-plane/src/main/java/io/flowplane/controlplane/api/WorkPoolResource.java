package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.pools.WorkPoolService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

@Path("/api/v1/work-pools")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class WorkPoolResource {
    private final WorkPoolService pools;

    WorkPoolResource(WorkPoolService pools) {
        this.pools = pools;
    }

    @POST
    @Requires(Permission.WRITE)
    public Response create(WorkPoolService.PoolChange body) {
        return Response.status(201).entity(Views.PoolView.of(pools.create(Bodies.required(body)))).build();
    }

    @GET
    @Requires(Permission.READ)
    public List<Views.PoolView> list() {
        return pools.list().stream().map(Views.PoolView::of).toList();
    }

    @GET
    @Path("/{name}")
    @Requires(Permission.READ)
    public Views.PoolView get(@PathParam("name") String name) {
        return Views.PoolView.of(pools.get(name));
    }

    @PATCH
    @Path("/{name}")
    @Requires(Permission.WRITE)
    public Views.PoolView update(@PathParam("name") String name, WorkPoolService.PoolChange body) {
        return Views.PoolView.of(pools.update(name, Bodies.required(body)));
    }

    @DELETE
    @Path("/{name}")
    @Requires(Permission.WRITE)
    public Response delete(@PathParam("name") String name) {
        pools.delete(name);
        return Response.noContent().build();
    }

    @GET
    @Path("/{name}/queues")
    @Requires(Permission.READ)
    public List<Views.QueueView> queues(@PathParam("name") String name) {
        return pools.queues(name).stream().map(Views.QueueView::of).toList();
    }

    @POST
    @Path("/{name}/queues")
    @Requires(Permission.WRITE)
    public Response createQueue(@PathParam("name") String name, WorkPoolService.QueueChange body) {
        return Response.status(201).entity(Views.QueueView.of(pools.createQueue(name, Bodies.required(body)))).build();
    }

    @PATCH
    @Path("/{name}/queues/{queue}")
    @Requires(Permission.WRITE)
    public Views.QueueView updateQueue(@PathParam("name") String name, @PathParam("queue") String queue,
                                       WorkPoolService.QueueChange body) {
        return Views.QueueView.of(pools.updateQueue(name, queue, Bodies.required(body)));
    }

    @DELETE
    @Path("/{name}/queues/{queue}")
    @Requires(Permission.WRITE)
    public Response deleteQueue(@PathParam("name") String name, @PathParam("queue") String queue) {
        pools.deleteQueue(name, queue);
        return Response.noContent().build();
    }
}
