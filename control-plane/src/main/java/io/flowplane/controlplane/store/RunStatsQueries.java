package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.FlowRun;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Read-only aggregates over flow_runs for the web UI's overview pages: counts by state, runs per
 * time bucket, late runs, per-deployment health and slots in use. Each is one statement.
 */
public final class RunStatsQueries {
    private final Jdbi jdbi;

    public RunStatsQueries(Store store) {
        this.jdbi = store.jdbi();
    }

    /** Runs per state type (and the Late count among SCHEDULED) among the runs the filter selects (its cursor ignored). */
    public Counts counts(RunListQuery filter) {
        String sql = "SELECT state_type, state_name, COUNT(*) AS n FROM flow_runs" + filter.where()
                + " GROUP BY state_type, state_name";
        return jdbi.withHandle(h -> {
            var q = filter.bind(h.createQuery(sql));
            Map<String, Long> byType = new TreeMap<>();
            Map<String, Long> byName = new TreeMap<>();
            long[] total = {0};
            q.map((rs, ctx) -> {
                long n = rs.getLong("n");
                byType.merge(rs.getString("state_type"), n, Long::sum);
                byName.merge(rs.getString("state_name"), n, Long::sum);
                total[0] += n;
                return null;
            }).list();
            return new Counts(total[0], byType, byName);
        });
    }

    /** Counts by state type, and by state name (Late, AwaitingRetry, …). */
    public record Counts(long total, Map<String, Long> byType, Map<String, Long> byName) {
    }

    /**
     * Runs created in [from, to) in buckets of {@code bucketMillis}, counted by their current state
     * type. Buckets without runs are present with no counts, so a chart has every slot.
     */
    public List<Bucket> activity(Instant from, Instant to, long bucketMillis) {
        long start = from.toEpochMilli() - Math.floorMod(from.toEpochMilli(), bucketMillis);
        // The bucket width is a validated long, not user text: inlined so both databases group by
        // the same expression (PostgreSQL refuses a GROUP BY on a differently numbered parameter).
        String bucket = "((created_at - " + start + ") / " + bucketMillis + ")";
        String sql = "SELECT " + bucket + " AS b, state_type, COUNT(*) AS n FROM flow_runs "
                + "WHERE created_at >= :from AND created_at < :to GROUP BY " + bucket + ", state_type";
        Map<Long, Map<String, Long>> rows = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery(sql).bind("from", Instant.ofEpochMilli(start)).bind("to", to)
                .map((rs, ctx) -> rows.computeIfAbsent(rs.getLong("b"), k -> new TreeMap<>())
                        .merge(rs.getString("state_type"), rs.getLong("n"), Long::sum)).list());
        List<Bucket> out = new ArrayList<>();
        for (long i = 0, t = start; t < to.toEpochMilli(); i++, t += bucketMillis) {
            out.add(new Bucket(Instant.ofEpochMilli(t), rows.getOrDefault(i, Map.of())));
        }
        return out;
    }

    /** Runs created from {@code start} on, by state type. */
    public record Bucket(Instant start, Map<String, Long> counts) {
    }

    /** Runs waiting in Late, the longest-overdue first. */
    public List<FlowRun> late(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + FlowRunDao.COLUMNS + " FROM flow_runs "
                        + "WHERE state_name = 'Late' AND state_type = 'SCHEDULED' ORDER BY state_name, next_at "
                        + "FETCH FIRST :limit ROWS ONLY")
                .bind("limit", limit).mapTo(FlowRun.class).list());
    }

    /**
     * For every deployment: its runs that ended since {@code since} by outcome, the state of its
     * newest run and its next scheduled run.
     */
    public List<DeploymentHealth> deploymentHealth(Instant since) {
        return jdbi.withHandle(h -> {
            Map<UUID, DeploymentHealth.Builder> out = new LinkedHashMap<>();
            h.createQuery("SELECT id, name FROM deployments ORDER BY name")
                    .map((rs, ctx) -> out.put(rs.getObject("id", UUID.class),
                            new DeploymentHealth.Builder(rs.getObject("id", UUID.class), rs.getString("name"))))
                    .list();
            h.createQuery("SELECT deployment_id, state_type, COUNT(*) AS n FROM flow_runs WHERE deployment_id IS NOT NULL "
                            + "AND ended_at >= :since GROUP BY deployment_id, state_type")
                    .bind("since", since)
                    .map((rs, ctx) -> {
                        DeploymentHealth.Builder b = out.get(rs.getObject("deployment_id", UUID.class));
                        if (b != null) {
                            b.ended(rs.getString("state_type"), rs.getLong("n"));
                        }
                        return null;
                    }).list();
            h.createQuery("SELECT deployment_id, MIN(next_at) AS next_at FROM flow_runs WHERE state_type = 'SCHEDULED' "
                            + "AND next_at >= 0 AND deployment_id IS NOT NULL GROUP BY deployment_id")
                    .map((rs, ctx) -> {
                        DeploymentHealth.Builder b = out.get(rs.getObject("deployment_id", UUID.class));
                        if (b != null) {
                            b.nextRunAt = Instant.ofEpochMilli(rs.getLong("next_at"));
                        }
                        return null;
                    }).list();
            // The newest run that has started or ended, per deployment: one index probe each on
            // (deployment_id, created_at), cheaper than a window over every run.
            for (DeploymentHealth.Builder b : out.values()) {
                h.createQuery("SELECT state_type, state_name, state_at FROM flow_runs WHERE deployment_id = :id "
                                + "AND state_type <> 'SCHEDULED' ORDER BY deployment_id DESC, created_at DESC FETCH FIRST 1 ROWS ONLY")
                        .bind("id", b.id)
                        .map((rs, ctx) -> {
                            b.lastType = rs.getString("state_type");
                            b.lastName = rs.getString("state_name");
                            b.lastAt = Instant.ofEpochMilli(rs.getLong("state_at"));
                            return null;
                        }).findOne();
            }
            return out.values().stream().map(DeploymentHealth.Builder::build).toList();
        });
    }

    /** Active runs (holding a slot) per pool and queue. */
    public List<SlotUse> slotsInUse() {
        return jdbi.withHandle(h -> h.createQuery("SELECT pool_id, queue_id, COUNT(*) AS n FROM flow_runs WHERE "
                        + FlowRunDao.ACTIVE + " AND state_type IN ('PENDING', 'RUNNING', 'PAUSED', 'CANCELLING') "
                        + "GROUP BY pool_id, queue_id")
                .map((rs, ctx) -> new SlotUse(rs.getObject("pool_id", UUID.class), rs.getObject("queue_id", UUID.class),
                        rs.getLong("n")))
                .list());
    }

    /** Active runs in one queue of one pool. */
    public record SlotUse(UUID poolId, UUID queueId, long active) {
    }
}
