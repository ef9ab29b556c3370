package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.runs.RunFactory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

@Path("/api/v1/deployments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class DeploymentResource {
    private final DeploymentService deployments;
    private final Json json;

    DeploymentResource(DeploymentService deployments, Json json) {
        this.deployments = deployments;
        this.json = json;
    }

    /** Upsert by name: 201 when created, 200 when updated or unchanged ("change" says which). */
    @POST
    @Requires(Permission.WRITE)
    public Response upsert(DeploymentSpec body) {
        DeploymentService.Upserted u = deployments.upsert(Bodies.required(body));
        int status = u.change() == DeploymentService.Change.CREATED ? 201 : 200;
        return Response.status(status).entity(view(u.deployment(), u.change())).build();
    }

    @GET
    @Requires(Permission.READ)
    public List<Views.DeploymentView> list() {
        return deployments.list().stream().map(d -> view(d, null)).toList();
    }

    @GET
    @Path("/{ref}")
    @Requires(Permission.READ)
    public Views.DeploymentView get(@PathParam("ref") String ref) {
        return view(deployments.get(ref), null);
    }

    /** Only {"paused": true|false}; the definition changes through upsert. */
    @PATCH
    @Path("/{ref}")
    @Requires(Permission.WRITE)
    public Views.DeploymentView patch(@PathParam("ref") String ref, PausedBody body) {
        if (Bodies.required(body).paused() == null) {
            throw new io.flowplane.controlplane.common.ValidationException("paused", "is required");
        }
        return view(deployments.setPaused(ref, body.paused()), null);
    }

    @DELETE
    @Path("/{ref}")
    @Requires(Permission.WRITE)
    public Response delete(@PathParam("ref") String ref) {
        deployments.delete(ref);
        return Response.noContent().build();
    }

    /** Starts an ad-hoc run; 201 when created, 200 when the idempotency key names an existing run. */
    @POST
    @Path("/{ref}/runs")
    @Requires(Permission.WRITE)
    public Response run(@PathParam("ref") String ref, @HeaderParam("Idempotency-Key") String key,
                        DeploymentService.RunRequest body) {
        DeploymentService.RunRequest request = body == null
                ? new DeploymentService.RunRequest(null, null, null, null, key)
                : key == null ? body : new DeploymentService.RunRequest(body.parameters(), body.name(), body.tags(),
                body.scheduledAt(), key);
        RunFactory.Result result = deployments.createRun(ref, request);
        return Response.status(result.created() ? 201 : 200)
                .entity(Views.FlowRunView.of(result.run(), json)).build();
    }

    private Views.DeploymentView view(Deployment d, DeploymentService.Change change) {
        return Views.DeploymentView.of(d, deployments.spec(d), change);
    }

    /** Body of PATCH /deployments/{ref}. */
    public record PausedBody(Boolean paused) {
    }
}
