package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.runs.RunChangeFeed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A long poll for live run lists: answers at once when runs changed since version {@code since},
 * otherwise holds the call until they do or {@code wait} seconds pass. Clients then re-read the
 * page they show. (A fetch with an Authorization header, unlike EventSource, keeps the key out of
 * the URL.)
 */
@Path("/api/v1/run-changes")
@Produces(MediaType.APPLICATION_JSON)
public final class RunChangesResource {
    private static final int MAX_WAIT_SECONDS = 30;

    private final RunChangeFeed feed;

    RunChangesResource(RunChangeFeed feed) {
        this.feed = feed;
    }

    /** The version to pass back as {@code since}; {@code changed} is false when the wait ran out. */
    public record Changes(long version, boolean changed) {
    }

    @GET
    @Requires(Permission.READ)
    public void changes(@QueryParam("since") Long since, @QueryParam("wait") @DefaultValue("0") double waitSeconds,
                        @Suspended AsyncResponse response) {
        if (!(waitSeconds >= 0 && waitSeconds <= MAX_WAIT_SECONDS)) {
            throw new ValidationException("wait", "must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        if (since == null || waitSeconds == 0) {
            long v = feed.version();
            response.resume(new Changes(v, since != null && v != since));
            return;
        }
        CompletableFuture<Long> next = feed.after(since);
        response.setTimeout(Math.round(waitSeconds * 1000), TimeUnit.MILLISECONDS);
        response.setTimeoutHandler(r -> {
            next.complete(since);
            r.resume(new Changes(since, false));
        });
        next.thenAccept(v -> {
            if (v != since) {
                response.resume(new Changes(v, true));
            }
        });
    }
}
