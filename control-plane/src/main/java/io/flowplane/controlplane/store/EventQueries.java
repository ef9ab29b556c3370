package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.EventEntry;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and retention of the event log: the rows of {@code events} merged by id with the run
 * state events read from the state history ({@link RunStateEvents}); both take their ids from one
 * sequence.
 */
public final class EventQueries {
    static final String COLUMNS = "id, occurred_at, type, resource_kind, resource_id, resource_name, run_id, "
            + "deployment_id, deployment_name, flow_name, pool_id, tags, payload";

    /**
     * Which events to read, oldest first after {@code after} (the log's sequence). Empty sets and
     * nulls filter nothing. {@code types} are exact; {@code typePrefixes} match "flow-run." style
     * families. {@code resource} matches the resource itself or any related one, by id or name.
     */
    public record Filter(Set<String> types, Set<String> typePrefixes, String resource, String tag, Instant since,
                         Instant until, long after, int limit) {
    }

    private EventQueries() {
    }

    public static List<EventEntry> page(Handle h, Filter f) {
        Set<String> runTypes = wantedRunTypes(f);
        List<EventEntry> rows = rows(h, f);
        if (runTypes.isEmpty()) {
            return rows;
        }
        return merge(rows, RunStateEvents.page(h, f, runTypes), f.limit());
    }

    /** The run state event types the filter asks for (all when it names no type). */
    private static Set<String> wantedRunTypes(Filter f) {
        if (f.types().isEmpty() && f.typePrefixes().isEmpty()) {
            return RunStateEvents.TYPES;
        }
        return RunStateEvents.TYPES.stream().filter(t -> f.types().contains(t)
                || f.typePrefixes().stream().anyMatch(p -> t.startsWith(p.replace("%", ""))))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The two sources' pages, each oldest first, as one page of at most {@code limit}. */
    private static List<EventEntry> merge(List<EventEntry> a, List<EventEntry> b, int limit) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b.size() <= limit ? b : b.subList(0, limit);
        }
        List<EventEntry> out = new ArrayList<>(Math.min(limit, a.size() + b.size()));
        int i = 0;
        int j = 0;
        while (out.size() < limit && (i < a.size() || j < b.size())) {
            if (j >= b.size() || (i < a.size() && a.get(i).id() < b.get(j).id())) {
                out.add(a.get(i++));
            } else {
                out.add(b.get(j++));
            }
        }
        return out;
    }

    static String tagPattern(String tag) {
        return "%\"" + tag.replace("%", "").replace("\"", "") + "\"%";
    }

    private static List<EventEntry> rows(Handle h, Filter f) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events WHERE id > :after");
        List<String> typeClauses = new ArrayList<>();
        int i = 0;
        for (String ignored : f.types()) {
            typeClauses.add("type = :t" + i++);
        }
        int j = 0;
        for (String ignored : f.typePrefixes()) {
            typeClauses.add("type LIKE :p" + j++);
        }
        if (!typeClauses.isEmpty()) {
            sql.append(" AND (").append(String.join(" OR ", typeClauses)).append(")");
        }
        if (f.resource() != null) {
            sql.append(" AND (resource_id = :res OR resource_name = :res OR deployment_name = :res"
                    + " OR flow_name = :res OR CAST(run_id AS VARCHAR(40)) = :res"
                    + " OR CAST(deployment_id AS VARCHAR(40)) = :res OR CAST(pool_id AS VARCHAR(40)) = :res)");
        }
        if (f.tag() != null) {
            sql.append(" AND tags LIKE :tag");
        }
        if (f.since() != null) {
            sql.append(" AND occurred_at >= :since");
        }
        if (f.until() != null) {
            sql.append(" AND occurred_at < :until");
        }
        sql.append(" ORDER BY id FETCH FIRST ").append(f.limit()).append(" ROWS ONLY");
        Query q = h.createQuery(sql.toString()).bind("after", f.after());
        i = 0;
        for (String t : f.types()) {
            q.bind("t" + i++, t);
        }
        j = 0;
        for (String p : f.typePrefixes()) {
            q.bind("p" + j++, p.replace("%", "") + "%");
        }
        if (f.resource() != null) {
            q.bind("res", f.resource());
        }
        if (f.tag() != null) {
            q.bind("tag", tagPattern(f.tag()));
        }
        if (f.since() != null) {
            q.bind("since", f.since().toEpochMilli());
        }
        if (f.until() != null) {
            q.bind("until", f.until().toEpochMilli());
        }
        return q.map(ConstructorMapper.of(EventEntry.class)).list();
    }

    /** The events after {@code after}, oldest first, at most {@code limit}: the evaluator's read. */
    public static List<EventEntry> after(Handle h, long after, int limit) {
        return merge(rowsAfter(h, after, limit), RunStateEvents.after(h, after, limit), limit);
    }

    private static List<EventEntry> rowsAfter(Handle h, long after, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM events WHERE id > :after ORDER BY id FETCH FIRST "
                        + limit + " ROWS ONLY").bind("after", after)
                .map(ConstructorMapper.of(EventEntry.class)).list();
    }

    /** Events of the given types since {@code since} (for count-within-window and absence checks), newest last. */
    public static List<EventEntry> ofTypesSince(Handle h, Set<String> types, Instant since, long upTo) {
        if (types.isEmpty()) {
            return List.of();
        }
        Set<String> runTypes = types.stream().filter(RunStateEvents.TYPES::contains)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        List<EventEntry> rows = rowsOfTypesSince(h, types, since, upTo);
        return runTypes.isEmpty() ? rows
                : merge(rows, RunStateEvents.ofTypesSince(h, runTypes, since, upTo), Integer.MAX_VALUE);
    }

    private static List<EventEntry> rowsOfTypesSince(Handle h, Set<String> types, Instant since, long upTo) {
        return h.createQuery("SELECT " + COLUMNS + " FROM events WHERE type IN (<types>) AND occurred_at >= :since"
                        + " AND id <= :upTo ORDER BY id")
                .bindList("types", List.copyOf(types)).bind("since", since.toEpochMilli()).bind("upTo", upTo)
                .map(ConstructorMapper.of(EventEntry.class)).list();
    }

    public static Optional<EventEntry> find(Handle h, long id) {
        Optional<EventEntry> row = h.createQuery("SELECT " + COLUMNS + " FROM events WHERE id = :id")
                .bind("id", id).map(ConstructorMapper.of(EventEntry.class)).findOne();
        return row.isPresent() ? row : RunStateEvents.find(h, id);
    }

    /**
     * The highest {@code limit} event ids above {@code after} (both sources), ascending: what the
     * REST reader checks for ids not committed yet. Each source is read backwards on its key.
     */
    public static List<Long> newestIds(Handle h, long after, int limit) {
        List<Long> ids = new ArrayList<>(h.createQuery("SELECT id FROM events WHERE id > :after ORDER BY id DESC FETCH FIRST "
                + limit + " ROWS ONLY").bind("after", after).mapTo(Long.class).list());
        ids.addAll(h.createQuery("SELECT id FROM flow_run_states WHERE id > :after ORDER BY id DESC FETCH FIRST "
                + limit + " ROWS ONLY").bind("after", Math.max(after, RunStateEvents.origin(h) - 1)).mapTo(Long.class).list());
        ids.sort(null);
        return ids.size() <= limit ? ids : ids.subList(ids.size() - limit, ids.size());
    }

    public static long maxId(Handle h) {
        return Math.max(h.createQuery("SELECT COALESCE(MAX(id), 0) FROM events").mapTo(Long.class).one(),
                RunStateEvents.maxId(h));
    }

    /**
     * Run state events older than {@code cutoff} leave the log, up to {@code limit} of them; the
     * state rows stay the runs' history. Returns how many left.
     */
    public static int passRunStatesBefore(Handle h, Instant cutoff, int limit) {
        return RunStateEvents.passBefore(h, cutoff, limit);
    }

    /** Deletes up to {@code limit} of the oldest events rows that occurred before {@code cutoff}; returns how many. */
    public static int deleteBefore(Handle h, Instant cutoff, int limit) {
        return h.createUpdate("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE occurred_at < :cutoff "
                + "ORDER BY id FETCH FIRST " + limit + " ROWS ONLY)").bind("cutoff", cutoff.toEpochMilli()).execute();
    }

    /**
     * Each of these agents' latest presence event type (agent.online / agent.offline), by agent id.
     * Read through the resource index, agent by agent's few presence events: the sweep runs every
     * few seconds and must not scan the whole event log (it used to, by resource kind).
     */
    public static java.util.Map<String, String> agentPresence(Handle h, java.util.Collection<String> agentIds) {
        java.util.Map<String, String> latest = new java.util.HashMap<>();
        if (agentIds.isEmpty()) {
            return latest;
        }
        java.util.Map<String, Long> latestId = new java.util.HashMap<>();
        h.createQuery("SELECT id, resource_id, type FROM events WHERE resource_id IN (<ids>) AND resource_kind = 'agent'")
                .bindList("ids", List.copyOf(agentIds))
                .map((rs, ctx) -> new Object[]{rs.getLong(1), rs.getString(2), rs.getString(3)})
                .forEach(row -> {
                    String agent = (String) row[1];
                    if (latestId.getOrDefault(agent, Long.MIN_VALUE) < (Long) row[0]) {
                        latestId.put(agent, (Long) row[0]);
                        latest.put(agent, (String) row[2]);
                    }
                });
        return latest;
    }
}
