package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.specs.ScheduleSpec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A deployment's schedules as the scheduler sees them: definition, whether it runs, its next instants. */
@Path("/api/v1/deployments/{ref}/schedules")
@Produces(MediaType.APPLICATION_JSON)
public final class ScheduleResource {
    private final DeploymentService deployments;
    private final java.time.Clock clock;

    ScheduleResource(DeploymentService deployments, java.time.Clock clock) {
        this.deployments = deployments;
        this.clock = clock;
    }

    public record ScheduleView(UUID id, String name, ScheduleSpec spec, String description, boolean running,
                               Instant materializedUntil, List<Instant> next) {
    }

    /** Stops one schedule making runs (its future runs are dropped); the deployment stays runnable by hand. */
    @POST
    @Path("/{name}/pause")
    @Requires(Permission.WRITE)
    public ScheduleView pause(@PathParam("ref") String ref, @PathParam("name") String name) {
        deployments.setScheduleActive(ref, name, false);
        return one(ref, name);
    }

    /** Lets a paused schedule make runs again (catch-up applies as for a resumed deployment). */
    @POST
    @Path("/{name}/resume")
    @Requires(Permission.WRITE)
    public ScheduleView resume(@PathParam("ref") String ref, @PathParam("name") String name) {
        deployments.setScheduleActive(ref, name, true);
        return one(ref, name);
    }

    private ScheduleView one(String ref, String name) {
        return list(ref).stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new io.flowplane.controlplane.common.NotFoundException("schedule", name));
    }

    @GET
    @Requires(Permission.READ)
    public List<ScheduleView> list(@PathParam("ref") String ref) {
        Deployment d = deployments.get(ref);
        List<ScheduleSpec> specs = deployments.spec(d).scheduling().schedules();
        List<Schedule> rows = deployments.schedules(d);
        return rows.stream().map(row -> {
            ScheduleSpec spec = specs.stream().filter(s -> row.name().equals(s.name())).findFirst().orElse(null);
            List<Instant> next = spec == null ? List.of()
                    : spec.recurrence().between(clock.instant(), Instant.parse("9999-12-31T00:00:00Z"), 5);
            return new ScheduleView(row.id(), row.name(), spec,
                    spec == null ? null : io.flowplane.controlplane.schedules.ScheduleWords.describe(spec), row.active(),
                    row.cursorAt(), next);
        }).toList();
    }
}
