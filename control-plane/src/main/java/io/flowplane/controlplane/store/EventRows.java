package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.EventEntry;
import org.jdbi.v3.core.Handle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Appends event rows in multi-row INSERTs on the caller's transaction (plain JDBC, like {@link
 * RunRows}: claims and report batches write one event per state row, so this sits on the hot path).
 */
public final class EventRows {
    private static final int PER_STATEMENT = 50;
    private static final int COLUMNS = 12;
    private static final String INTO = "INSERT INTO events (occurred_at, type, resource_kind, resource_id, "
            + "resource_name, run_id, deployment_id, deployment_name, flow_name, pool_id, tags, payload) VALUES ";

    private EventRows() {
    }

    public static void insert(Handle h, List<EventEntry> events) {
        Connection c = h.getConnection();
        for (int from = 0; from < events.size(); from += PER_STATEMENT) {
            List<EventEntry> chunk = events.subList(from, Math.min(events.size(), from + PER_STATEMENT));
            String one = "(?" + ", ?".repeat(COLUMNS - 1) + ")";
            StringBuilder sql = new StringBuilder(INTO).append(one);
            for (int i = 1; i < chunk.size(); i++) {
                sql.append(", ").append(one);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (EventEntry e : chunk) {
                    ps.setLong(p++, e.occurredAt().toEpochMilli());
                    ps.setString(p++, e.type());
                    ps.setString(p++, e.resourceKind());
                    ps.setString(p++, e.resourceId());
                    ps.setString(p++, e.resourceName());
                    ps.setObject(p++, e.runId());
                    ps.setObject(p++, e.deploymentId());
                    ps.setString(p++, e.deploymentName());
                    ps.setString(p++, e.flowName());
                    ps.setObject(p++, e.poolId());
                    ps.setString(p++, e.tags());
                    ps.setString(p++, e.payload());
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new RunRows.StoreException("inserting " + chunk.size() + " events", e);
            }
        }
    }
}
