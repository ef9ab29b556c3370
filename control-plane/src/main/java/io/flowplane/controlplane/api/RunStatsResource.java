package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.store.DeploymentHealth;
import io.flowplane.controlplane.store.RunListQuery;
import io.flowplane.controlplane.store.RunStatsQueries;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Aggregates over runs for overview pages: counts by state, activity over time, late runs, deployment health, slots in use. */
@Path("/api/v1/run-stats")
@Produces(MediaType.APPLICATION_JSON)
public final class RunStatsResource {
    private final RunStatsQueries stats;
    private final DeploymentService deployments;
    private final Json json;
    private final Clock clock;

    RunStatsResource(RunStatsQueries stats, DeploymentService deployments, Json json, Clock clock) {
        this.stats = stats;
        this.deployments = deployments;
        this.json = json;
        this.clock = clock;
    }

    /** Runs by state type and state name; the same filters as the runs list. */
    @GET
    @Path("/counts")
    @Requires(Permission.READ)
    public RunStatsQueries.Counts counts(@QueryParam("deployment") String deployment, @QueryParam("tag") String tag,
                                         @QueryParam("created-after") String after,
                                         @QueryParam("created-before") String before) {
        UUID deploymentId = deployment == null ? null : deployments.get(deployment).id();
        return stats.counts(new RunListQuery().deployment(deploymentId).tag(FlowRunResource.tagFilter(tag))
                .createdAtOrAfter(QueryInstants.parse(after, "created-after"))
                .createdBefore(QueryInstants.parse(before, "created-before")));
    }

    public record Activity(Instant from, Instant to, long bucketSeconds, List<RunStatsQueries.Bucket> buckets) {
    }

    /** Runs created over the last {@code hours} in buckets of {@code bucket-minutes}, by current state. */
    @GET
    @Path("/activity")
    @Requires(Permission.READ)
    public Activity activity(@QueryParam("hours") @DefaultValue("24") int hours,
                             @QueryParam("bucket-minutes") @DefaultValue("60") int bucketMinutes) {
        if (hours < 1 || hours > 24 * 31) {
            throw new ValidationException("hours", "must be between 1 and 744 (31 days)");
        }
        if (bucketMinutes < 1 || bucketMinutes > 24 * 60 || (long) hours * 60 / bucketMinutes > 1000) {
            throw new ValidationException("bucket-minutes", "must be between 1 and 1440, and give at most 1000 buckets");
        }
        // Up to and including now: a run created this millisecond is in the last bucket.
        Instant to = clock.instant().plusMillis(1);
        Instant from = to.minus(Duration.ofHours(hours));
        long bucket = Duration.ofMinutes(bucketMinutes).toMillis();
        return new Activity(from, to, bucket / 1000, stats.activity(from, to, bucket));
    }

    /** Runs in Late, longest overdue first. */
    @GET
    @Path("/late")
    @Requires(Permission.READ)
    public List<Views.FlowRunView> late(@QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ValidationException("limit", "must be between 1 and 500");
        }
        return stats.late(limit).stream().map(r -> Views.FlowRunView.of(r, json)).toList();
    }

    /** Every deployment with its success rate over the last {@code hours}, its newest run's state and next run. */
    @GET
    @Path("/deployments")
    @Requires(Permission.READ)
    public List<DeploymentHealth> deployments(@QueryParam("hours") @DefaultValue("24") int hours) {
        if (hours < 1 || hours > 24 * 366) {
            throw new ValidationException("hours", "must be between 1 and 8784 (366 days)");
        }
        return stats.deploymentHealth(clock.instant().minus(Duration.ofHours(hours)));
    }

    /** Runs holding a slot, per pool and queue. */
    @GET
    @Path("/slots")
    @Requires(Permission.READ)
    public List<RunStatsQueries.SlotUse> slots() {
        return stats.slotsInUse();
    }
}
