package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.schedules.SchedulePreview;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;

/** Previews a schedule definition: the instants it would run at, in UTC and local time. Stores nothing. */
@Path("/api/v1/schedule-preview")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class SchedulePreviewResource {
    private final Clock clock;

    SchedulePreviewResource(Clock clock) {
        this.clock = clock;
    }

    @POST
    @Requires(Permission.READ)
    public SchedulePreview.Result preview(SchedulePreview.Request body) {
        return SchedulePreview.preview(Bodies.required(body), clock.instant());
    }
}
