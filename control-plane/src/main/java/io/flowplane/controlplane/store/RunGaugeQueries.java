package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only counts behind the run gauges: unfinished runs by pool and state, due runs per queue,
 * the pools of online agents. Each query reads only index ranges that hold unfinished runs
 * (next_at, lease_expires_at: see V4), so its cost does not grow with the finished runs stored.
 */
public final class RunGaugeQueries {
    private final Jdbi jdbi;

    public RunGaugeQueries(Store store) {
        this.jdbi = store.jdbi();
    }

    /** Unfinished runs of one state type in a pool. */
    public record Row(String pool, String state, long count) {
    }

    /** Runs due and unclaimed in a queue, how many of them are Late, and the oldest due time. */
    public record Due(String pool, String queue, long count, long late, Instant oldest) {
    }

    /** What one pass read; {@code agentPools} holds each online agent's pools as stored (a JSON array). */
    public record Counts(List<Row> byState, List<Due> due, List<String> agentPools) {
    }

    /** One pass on one handle, outside a transaction; agents count as online from {@code agentsSince}. */
    public Counts read(Instant now, Instant agentsSince) {
        return jdbi.withHandle(h -> {
            // Two index ranges: SCHEDULED runs with a due time, active runs with a lease.
            List<Row> byState = new ArrayList<>();
            for (String range : List.of("r.next_at >= 0", "r.lease_expires_at >= 0")) {
                byState.addAll(h.createQuery("SELECT p.name AS pool, r.state_type AS state, COUNT(*) AS n "
                                + "FROM flow_runs r JOIN work_pools p ON p.id = r.pool_id WHERE " + range
                                + " GROUP BY p.name, r.state_type")
                        .map((rs, ctx) -> new Row(rs.getString("pool"), rs.getString("state"), rs.getLong("n")))
                        .list());
            }
            List<Due> due = h.createQuery("SELECT p.name AS pool, q.name AS queue, COUNT(*) AS n, "
                            + "MIN(r.next_at) AS oldest, SUM(CASE WHEN r.state_name = 'Late' THEN 1 ELSE 0 END) AS late FROM flow_runs r "
                            + "JOIN work_queues q ON q.id = r.queue_id JOIN work_pools p ON p.id = q.pool_id "
                            + "WHERE r.next_at >= 0 AND r.next_at <= :now AND r.state_type = 'SCHEDULED' "
                            + "GROUP BY p.name, q.name")
                    .bind("now", now)
                    .map((rs, ctx) -> new Due(rs.getString("pool"), rs.getString("queue"), rs.getLong("n"),
                            rs.getLong("late"), Instant.ofEpochMilli(rs.getLong("oldest"))))
                    .list();
            List<String> agentPools = h.createQuery("SELECT pools FROM agents WHERE last_heartbeat_at >= :since")
                    .bind("since", agentsSince)
                    .mapTo(String.class)
                    .list();
            return new Counts(byState, due, agentPools);
        });
    }
}
