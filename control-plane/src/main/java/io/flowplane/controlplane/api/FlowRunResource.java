package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.runs.AdHocRuns;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.runs.RunFilter;
import io.flowplane.controlplane.runs.RunWatchers;
import io.flowplane.controlplane.state.StateType;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

@Path("/api/v1/flow-runs")
@Produces(MediaType.APPLICATION_JSON)
public final class FlowRunResource {
    private static final int MAX_LIMIT = 500;
    private static final int MAX_TAG_LENGTH = 100;
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final FlowRunService runs;
    private final DeploymentService deployments;
    private final RunWatchers watchers;
    private final Json json;
    private final AdHocRuns adHoc;

    FlowRunResource(FlowRunService runs, DeploymentService deployments, RunWatchers watchers, Json json,
                    AdHocRuns adHoc) {
        this.runs = runs;
        this.deployments = deployments;
        this.watchers = watchers;
        this.json = json;
        this.adHoc = adHoc;
    }

    /** A run without a deployment, RUNNING and leased to the caller, who reports on it directly (the SDK by hand). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(Permission.WRITE)
    public Response start(AdHocRuns.Request body) {
        return Response.status(201).entity(Views.FlowRunView.of(adHoc.start(Bodies.required(body)), json)).build();
    }

    /** Newest first. Filters: deployment (id or name), state (comma-separated types), tag, created-after/before. */
    @GET
    @Requires(Permission.READ)
    public Views.RunPage list(@QueryParam("deployment") String deployment, @QueryParam("state") String state,
                              @QueryParam("tag") String tag,
                              @QueryParam("created-after") String after, @QueryParam("created-before") String before,
                              @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("cursor") String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        UUID deploymentId = deployment == null ? null : deployments.get(deployment).id();
        RunFilter filter = new RunFilter(deploymentId, states(state), QueryInstants.parse(after, "created-after"),
                QueryInstants.parse(before, "created-before"), tagFilter(tag), limit, cursor(cursor));
        FlowRunService.Page page = runs.list(filter);
        return new Views.RunPage(page.runs().stream().map(r -> Views.FlowRunView.of(r, json)).toList(), page.nextCursor());
    }

    /** The {@code tag} query parameter, checked: absent is no filter, empty or too long is a 422. */
    static String tagFilter(String tag) {
        if (tag != null && (tag.isBlank() || tag.length() > MAX_TAG_LENGTH)) {
            throw new ValidationException("tag", "must be a tag of 1 to " + MAX_TAG_LENGTH + " characters");
        }
        return tag;
    }

    @GET
    @Path("/{id}")
    @Requires(Permission.READ)
    public Views.FlowRunView get(@PathParam("id") UUID id) {
        return Views.FlowRunView.of(runs.get(id), json, runs.codeVersion(id).orElse(null));
    }

    @GET
    @Path("/{id}/states")
    @Requires(Permission.READ)
    public List<Views.HistoryView> states(@PathParam("id") UUID id) {
        return runs.history(id).stream().map(Views.HistoryView::of).toList();
    }

    @GET
    @Path("/{id}/task-runs")
    @Requires(Permission.READ)
    public List<Views.TaskRunView> taskRuns(@PathParam("id") UUID id) {
        return runs.taskRuns(id).stream().map(t -> Views.TaskRunView.of(t, json)).toList();
    }

    @GET
    @Path("/{id}/artifacts")
    @Requires(Permission.READ)
    public List<Views.ArtifactView> artifacts(@PathParam("id") UUID id) {
        return runs.artifacts(id).stream().map(Views.ArtifactView::of).toList();
    }

    /**
     * Lines after sequence {@code after}. With {@code wait} (seconds, at most 30) and no new line
     * yet, the call is held until a line arrives, the run finishes, or the wait passes: a follow
     * mode without polling.
     */
    @GET
    @Path("/{id}/logs")
    @Requires(Permission.READ)
    public void logs(@PathParam("id") UUID id, @QueryParam("after") @DefaultValue("0") long after,
                     @QueryParam("limit") @DefaultValue("1000") int limit,
                     @QueryParam("wait") @DefaultValue("0") double waitSeconds,
                     @QueryParam("level") String level, @QueryParam("stream") String stream,
                     @QueryParam("task-run") String taskRun, @QueryParam("text") String text,
                     @Suspended AsyncResponse response) {
        if (limit < 1 || limit > 10_000) {
            throw new ValidationException("limit", "must be between 1 and 10000");
        }
        if (!(waitSeconds >= 0 && waitSeconds <= MAX_WAIT.toSeconds())) {
            throw new ValidationException("wait", "must be between 0 and " + MAX_WAIT.toSeconds() + " seconds");
        }
        io.flowplane.controlplane.logs.LogFilter filter =
                io.flowplane.controlplane.logs.LogFilter.parse(level, stream, taskRun, text);
        runs.get(id);
        Duration wait = Duration.ofMillis(Math.round(waitSeconds * 1000));
        CompletableFuture<Boolean> update = wait.isZero() ? null : watchers.nextUpdate(id, wait);
        Views.LogPage page = logPage(id, after, limit, filter);
        if (update == null || !page.lines().isEmpty() || page.runFinished()) {
            if (update != null) {
                update.complete(false);
            }
            response.resume(page);
            return;
        }
        update.whenComplete((v, e) -> response.resume(logPage(id, after, limit, filter)));
    }

    private Views.LogPage logPage(UUID id, long after, int limit, io.flowplane.controlplane.logs.LogFilter filter) {
        boolean finished = runs.get(id).state().type().isTerminal();
        var page = filter.page((from, n) -> runs.logs(id, from, n), after, limit);
        return new Views.LogPage(page.lines().stream().map(Views.LogView::of).toList(), page.next(), finished);
    }

    @POST
    @Path("/{id}/cancel")
    @Requires(Permission.WRITE)
    public Views.FlowRunView cancel(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key) {
        checkKey(key);
        return Views.FlowRunView.of(runs.cancel(id, key), json);
    }

    @POST
    @Path("/{id}/retry")
    @Requires(Permission.WRITE)
    public Views.FlowRunView retry(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key) {
        checkKey(key);
        FlowRun run = runs.retry(id, key);
        return Views.FlowRunView.of(run, json);
    }

    private static void checkKey(String key) {
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new ValidationException("Idempotency-Key", "must be 1-200 characters");
        }
    }

    private static Set<StateType> states(String csv) {
        if (csv == null || csv.isBlank()) {
            return Set.of();
        }
        try {
            return FlowRunService.parseStates(csv);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("state", "'" + csv + "' holds an unknown state type; use "
                    + java.util.Arrays.toString(StateType.values()));
        }
    }


    private static RunFilter.Cursor cursor(String value) {
        if (value == null) {
            return null;
        }
        try {
            return RunFilter.Cursor.decode(value);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("cursor", "is not a cursor returned by this API");
        }
    }
}
