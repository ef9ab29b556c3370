package io.flowplane.controlplane.store;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runs list (REST, UI, CLI) as one composable query: each filter adds one condition and its
 * bindings, so a new filter is one method here rather than two parallel if-chains in a service.
 * Newest first, keyset-paged on (created_at, id), which the flow_runs indexes serve.
 */
public final class RunListQuery {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> binds = new LinkedHashMap<>();
    private List<String> states = List.of();

    public RunListQuery deployment(UUID deploymentId) {
        return where("deployment_id = :deploymentId", "deploymentId", deploymentId);
    }

    public RunListQuery states(Collection<StateType> types) {
        if (types != null && !types.isEmpty()) {
            states = types.stream().map(Enum::name).sorted().toList();
            conditions.add("state_type IN (<states>)");
        }
        return this;
    }

    public RunListQuery createdAtOrAfter(Instant at) {
        return where("created_at >= :after", "after", at);
    }

    public RunListQuery createdBefore(Instant at) {
        return where("created_at < :before", "before", at);
    }

    /**
     * Runs carrying this exact tag. Tags are stored as a JSON array of strings, so the tag's JSON
     * form (quotes included) matches one whole element and never a prefix of another tag.
     */
    public RunListQuery tag(String tag) {
        if (tag == null) {
            return this;
        }
        return where("tags LIKE :tagPattern ESCAPE '\\'", "tagPattern", "%" + escapeLike(jsonString(tag)) + "%");
    }

    /** Only runs older than the last row of the previous page. */
    public RunListQuery olderThan(Instant createdAt, UUID id) {
        if (createdAt == null) {
            return this;
        }
        conditions.add("(created_at < :cursorAt OR (created_at = :cursorAt AND id < :cursorId))");
        binds.put("cursorAt", createdAt);
        binds.put("cursorId", id);
        return this;
    }

    /** At most {@code limit} runs, newest first. */
    public List<FlowRun> fetch(Handle handle, int limit) {
        String sql = "SELECT " + FlowRunDao.COLUMNS + " FROM flow_runs" + where()
                + " ORDER BY created_at DESC, id DESC FETCH FIRST :limit ROWS ONLY";
        return bind(handle.createQuery(sql)).bind("limit", limit).mapTo(FlowRun.class).list();
    }

    /** The filters as a WHERE clause (empty without filters), for aggregates over the same runs. */
    String where() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds what {@link #where()} refers to. */
    Query bind(Query query) {
        binds.forEach(query::bind);
        if (!states.isEmpty()) {
            query.bindList("states", states);
        }
        return query;
    }

    private RunListQuery where(String condition, String name, Object value) {
        if (value != null) {
            conditions.add(condition);
            binds.put(name, value);
        }
        return this;
    }

    /** The tag as Jackson writes it into the stored array (same escaping, so the same bytes). */
    private static String jsonString(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
