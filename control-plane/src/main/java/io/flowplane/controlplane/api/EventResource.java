package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.eventlog.EventReader;
import io.flowplane.controlplane.eventlog.EventTypes;
import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.store.EventQueries;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** The event log, oldest first after a cursor; {@code wait} holds the call until events arrive (follow mode). */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public final class EventResource {
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_WAIT_SECONDS = 30;

    private final EventReader reader;
    private final Json json;

    EventResource(EventReader reader, Json json) {
        this.reader = reader;
        this.json = json;
    }

    record Resource(String kind, String id, String name) {
    }

    record Related(UUID runId, UUID deploymentId, String deploymentName, String flowName, UUID poolId,
                   List<String> tags) {
    }

    record EventView(long id, Instant occurredAt, String type, Resource resource, Related related, JsonNode payload) {
        static EventView of(EventEntry e, Json json) {
            List<String> tags = Arrays.asList(json.read(e.tags(), String[].class));
            return new EventView(e.id(), e.occurredAt(), e.type(),
                    new Resource(e.resourceKind(), e.resourceId(), e.resourceName()),
                    new Related(e.runId(), e.deploymentId(), e.deploymentName(), e.flowName(), e.poolId(), tags),
                    json.tree(e.payload()));
        }
    }

    /** {@code nextCursor} is the id of the last event returned (the request's cursor when none was). */
    record EventPage(List<EventView> items, String nextCursor) {
    }

    @GET
    @Requires(Permission.READ)
    public void list(@QueryParam("type") String type, @QueryParam("resource") String resource,
                     @QueryParam("tag") String tag, @QueryParam("since") String since,
                     @QueryParam("until") String until, @QueryParam("cursor") String cursor,
                     @QueryParam("limit") @DefaultValue("100") int limit,
                     @QueryParam("wait") @DefaultValue("0") double waitSeconds, @Suspended AsyncResponse response) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (!(waitSeconds >= 0 && waitSeconds <= MAX_WAIT_SECONDS)) {
            throw new ValidationException("wait", "must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        Set<String> exact = new TreeSet<>();
        Set<String> families = new TreeSet<>();
        if (type != null) {
            for (String t : type.split(",")) {
                String s = t.trim();
                if (s.isEmpty()) {
                    continue;
                }
                if (!EventTypes.known(s)) {
                    throw new ValidationException("type", "'" + s + "' is not an event type; known types are "
                            + EventTypes.ALL + " (a trailing * matches a family, e.g. flow-run.*)");
                }
                if (s.endsWith("*")) {
                    families.add(s.substring(0, s.length() - 1));
                } else {
                    exact.add(s);
                }
            }
        }
        long after = cursor(cursor);
        EventQueries.Filter filter = new EventQueries.Filter(exact, families, blankToNull(resource, "resource"),
                blankToNull(tag, "tag"), QueryInstants.parse(since, "since"), QueryInstants.parse(until, "until"), after,
                limit);
        reader.follow(filter, Duration.ofMillis(Math.round(waitSeconds * 1000))).whenComplete((events, e) -> {
            if (e != null) {
                response.resume(e);
                return;
            }
            String next = events.isEmpty() ? String.valueOf(after) : String.valueOf(events.get(events.size() - 1).id());
            response.resume(new EventPage(events.stream().map(ev -> EventView.of(ev, json)).toList(), next));
        });
    }

    private static long cursor(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long c = Long.parseLong(value.trim());
            if (c < 0) {
                throw new NumberFormatException();
            }
            return c;
        } catch (NumberFormatException e) {
            throw new ValidationException("cursor", "must be the nextCursor of an earlier page");
        }
    }

    private static String blankToNull(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > 200) {
            throw new ValidationException(field, "must be at most 200 characters");
        }
        return value.trim();
    }
}
