package io.flowplane.controlplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A run's state changes, read as events of the event log straight from its state history.
 *
 * <p>Why not an {@code events} row per change: every run writes four or more state rows, and a
 * second row per change (with four B-trees and a JSON payload) doubled the hot path's writes for
 * data the history already holds. Since V16 both tables take their ids from one sequence
 * ({@code event_seq}), so merging the two by id gives the log its single order, and a state row
 * is an event exactly when its change committed. State rows from before V16 have ids of their own
 * numbering; their events are rows of {@code events}, so this reads only state rows from
 * {@code event_log_origin.state_events_from} on.
 *
 * <p>Related resources are the run's as stored now (name, deployment, flow, pool, tags). The event
 * log's retention moves the origin past state rows older than it ({@link #passBefore}): they stay
 * the run's history (run retention deletes them) but are no longer events.
 */
public final class RunStateEvents {
    public static final String PREFIX = "flow-run.";
    public static final String LATE = PREFIX + "late";
    /** State messages can be long agent error text; the event carries the start of it. */
    static final int MAX_MESSAGE = 500;
    /** Every type a state row can be: one per state type, plus Late (a SCHEDULED state of its own type). */
    public static final Set<String> TYPES = java.util.stream.Stream.concat(
            Arrays.stream(StateType.values()).map(RunStateEvents::type), java.util.stream.Stream.of(LATE))
            .collect(Collectors.toUnmodifiableSet());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECT = "SELECT s.id, s.at, s.state_type, s.state_name, s.message, s.attempt, "
            + "s.actor, r.id AS run_id, r.name, r.deployment_id, r.deployment_name, r.flow_name, r.pool_id, r.tags "
            + "FROM flow_run_states s JOIN flow_runs r ON r.id = s.run_id WHERE s.id > :after";

    private RunStateEvents() {
    }

    public static String type(StateType type) {
        return PREFIX + type.name().toLowerCase(Locale.ROOT);
    }

    /** The event a history row is: Late has its own type (it keeps the SCHEDULED type). */
    public static String type(StateType type, String name) {
        return StateName.LATE.label().equals(name) ? LATE : type(type);
    }

    /** The first state row id that is an event of this table (the rows before are in {@code events}). */
    static long origin(Handle h) {
        return h.createQuery("SELECT state_events_from FROM event_log_origin").mapTo(Long.class).one();
    }

    /**
     * The state events after the filter's cursor that match it, oldest first, at most its limit;
     * {@code wanted} are the run event types the filter asks for (null: all).
     */
    static List<EventEntry> page(Handle h, EventQueries.Filter f, Set<String> wanted) {
        StringBuilder sql = new StringBuilder(SELECT);
        Map<String, Object> binds = new LinkedHashMap<>();
        typeCondition(wanted).ifPresent(sql::append);
        if (f.resource() != null) {
            sql.append(" AND (r.name = :res OR r.deployment_name = :res OR r.flow_name = :res");
            binds.put("res", f.resource());
            uuid(f.resource()).ifPresent(id -> {
                sql.append(" OR s.run_id = :resId OR r.deployment_id = :resId OR r.pool_id = :resId");
                binds.put("resId", id);
            });
            sql.append(")");
        }
        if (f.tag() != null) {
            sql.append(" AND r.tags LIKE :tag");
            binds.put("tag", EventQueries.tagPattern(f.tag()));
        }
        if (f.since() != null) {
            sql.append(" AND s.at >= :since");
            binds.put("since", f.since().toEpochMilli());
        }
        if (f.until() != null) {
            sql.append(" AND s.at < :until");
            binds.put("until", f.until().toEpochMilli());
        }
        return read(h, sql, f.after(), f.limit(), binds);
    }

    /** Every state event after {@code after}, oldest first, at most {@code limit}. */
    static List<EventEntry> after(Handle h, long after, int limit) {
        return read(h, new StringBuilder(SELECT), after, limit, Map.of());
    }

    /** State events of these types since {@code since} and up to id {@code upTo}, oldest first. */
    static List<EventEntry> ofTypesSince(Handle h, Set<String> wanted, Instant since, long upTo) {
        StringBuilder sql = new StringBuilder(SELECT).append(" AND s.at >= :since AND s.id <= :upTo");
        typeCondition(wanted).ifPresent(sql::append);
        return read(h, sql, 0, Integer.MAX_VALUE, Map.of("since", since.toEpochMilli(), "upTo", upTo));
    }

    static Optional<EventEntry> find(Handle h, long id) {
        if (id < origin(h)) {
            return Optional.empty();
        }
        return h.createQuery(SELECT.replace("s.id > :after", "s.id = :id")).bind("id", id)
                .map((rs, ctx) -> entry(rs)).findOne();
    }

    /**
     * Moves the origin past up to {@code limit} of the oldest state rows that are events and
     * occurred before {@code cutoff}, stopping at the first that did not; returns how many it
     * passed. Walks the primary key from the origin, so it costs what it passes.
     */
    static int passBefore(Handle h, Instant cutoff, int limit) {
        long origin = origin(h);
        List<long[]> rows = h.createQuery("SELECT id, at FROM flow_run_states WHERE id >= :origin ORDER BY id "
                        + "FETCH FIRST " + limit + " ROWS ONLY").bind("origin", origin)
                .map((rs, ctx) -> new long[]{rs.getLong(1), rs.getLong(2)}).list();
        int passed = 0;
        long next = origin;
        for (long[] row : rows) {
            if (row[1] >= cutoff.toEpochMilli()) {
                break;
            }
            passed++;
            next = row[0] + 1;
        }
        if (passed > 0) {
            h.createUpdate("UPDATE event_log_origin SET state_events_from = :next").bind("next", next).execute();
        }
        return passed;
    }

    static long maxId(Handle h) {
        return h.createQuery("SELECT COALESCE(MAX(id), 0) FROM flow_run_states").mapTo(Long.class).one();
    }

    private static List<EventEntry> read(Handle h, StringBuilder sql, long after, int limit,
                                         Map<String, Object> binds) {
        long origin = origin(h);
        sql.append(" ORDER BY s.id");
        if (limit != Integer.MAX_VALUE) {
            sql.append(" FETCH FIRST ").append(limit).append(" ROWS ONLY");
        }
        Query q = h.createQuery(sql.toString()).bind("after", Math.max(after, origin - 1));
        binds.forEach(q::bind);
        return q.map((rs, ctx) -> entry(rs)).list();
    }

    /**
     * The SQL condition for the wanted types, or none when every state row qualifies. A state
     * row's type is its state type, except Late, which is a type of its own.
     */
    private static Optional<String> typeCondition(Set<String> wanted) {
        if (wanted == null || wanted.containsAll(TYPES)) {
            return Optional.empty();
        }
        List<String> any = new ArrayList<>();
        if (wanted.contains(LATE)) {
            any.add("s.state_name = '" + StateName.LATE.label() + "'");
        }
        List<String> types = Arrays.stream(StateType.values()).filter(t -> wanted.contains(type(t)))
                .map(t -> "'" + t.name() + "'").toList();
        if (!types.isEmpty()) {
            any.add("(s.state_type IN (" + String.join(", ", types) + ") AND s.state_name <> '"
                    + StateName.LATE.label() + "')");
        }
        return Optional.of(any.isEmpty() ? " AND 1 = 0" : " AND (" + String.join(" OR ", any) + ")");
    }

    private static Optional<UUID> uuid(String s) {
        try {
            return s.length() == 36 ? Optional.of(UUID.fromString(s)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static EventEntry entry(ResultSet rs) throws SQLException {
        StateType stateType = StateType.valueOf(rs.getString("state_type"));
        String stateName = rs.getString("state_name");
        UUID runId = rs.getObject("run_id", UUID.class);
        String tags = rs.getString("tags");
        return new EventEntry(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")), type(stateType, stateName),
                "flow-run", runId.toString(), rs.getString("name"), runId, rs.getObject("deployment_id", UUID.class),
                rs.getString("deployment_name"), rs.getString("flow_name"), rs.getObject("pool_id", UUID.class),
                tags == null ? "[]" : tags, payload(stateType, stateName, rs.getString("message"), rs.getInt("attempt"),
                rs.getString("actor")));
    }

    private static String payload(StateType type, String name, String message, int attempt, String actor) {
        Map<String, Object> payload = new LinkedHashMap<>();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("type", type.name());
        state.put("name", name);
        payload.put("state", state);
        if (message != null) {
            payload.put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message);
        }
        payload.put("attempt", attempt);
        payload.put("actor", actor);
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a state event's payload could not be written", e);
        }
    }
}
