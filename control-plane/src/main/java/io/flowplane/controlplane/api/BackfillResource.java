package io.flowplane.controlplane.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.backfills.BackfillProgress;
import io.flowplane.controlplane.backfills.BackfillRequest;
import io.flowplane.controlplane.backfills.BackfillService;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.model.Backfill;
import io.flowplane.controlplane.model.Deployment;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Backfills of a deployment: create (idempotent), list, progress, cancel. */
@Path("/api/v1/deployments/{ref}/backfills")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class BackfillResource {
    private final DeploymentService deployments;
    private final BackfillService backfills;

    BackfillResource(DeploymentService deployments, BackfillService backfills) {
        this.deployments = deployments;
        this.backfills = backfills;
    }

    /** A backfill with its progress; the counts are unwrapped, so the JSON stays one flat object. */
    public record BackfillView(UUID id, UUID deploymentId, Instant from, Instant to, String schedule, int maxActive,
                               String state, @JsonUnwrapped Counts counts, Instant createdAt, Instant endedAt) {

        /** Its runs by where they are; the six after {@code total} add up to it (see {@link BackfillProgress}). */
        public record Counts(long total, long completed, long failed, long cancelled, long running, long scheduled,
                             long waiting) {
        }

        static BackfillView of(BackfillProgress p) {
            Backfill b = p.backfill();
            return new BackfillView(b.id(), b.deploymentId(), b.rangeFrom(), b.rangeTo(), b.scheduleName(),
                    b.maxActive(), b.state().toLowerCase(java.util.Locale.ROOT), new Counts(p.total(), p.completed(),
                    p.failed(), p.cancelled(), p.running(), p.scheduled(), p.waiting()), b.createdAt(), b.endedAt());
        }
    }

    /** 201 when created; 200 with the existing backfill when the same request was made before. */
    @POST
    @Requires(Permission.WRITE)
    public Response create(@PathParam("ref") String ref, BackfillRequest body) {
        Deployment d = deployments.get(ref);
        BackfillService.Created c = backfills.create(d, deployments.spec(d), Bodies.required(body));
        return Response.status(c.created() ? 201 : 200)
                .entity(BackfillView.of(backfills.progress(d, c.backfill().id().toString()))).build();
    }

    @GET
    @Requires(Permission.READ)
    public List<BackfillView> list(@PathParam("ref") String ref) {
        Deployment d = deployments.get(ref);
        return backfills.list(d).stream().map(b -> BackfillView.of(backfills.progress(d, b.id().toString()))).toList();
    }

    @GET
    @Path("/{id}")
    @Requires(Permission.READ)
    public BackfillView get(@PathParam("ref") String ref, @PathParam("id") String id) {
        return BackfillView.of(backfills.progress(deployments.get(ref), id));
    }

    @POST
    @Path("/{id}/cancel")
    @Requires(Permission.WRITE)
    public BackfillView cancel(@PathParam("ref") String ref, @PathParam("id") String id) {
        return BackfillView.of(backfills.cancel(deployments.get(ref), id));
    }
}
