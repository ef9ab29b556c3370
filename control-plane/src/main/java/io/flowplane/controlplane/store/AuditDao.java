package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.AuditEvent;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Rows of audit_events: one per audited request. */
@RegisterRowMapper(AuditDao.Mapper.class)
public interface AuditDao {
    /** Rows per delete statement: each retention statement stays short. */
    int DELETE_BATCH = 1000;
    String COLUMNS = "at, key_id, key_name, role, transport, method, resource, status, outcome, remote_address";

    /** Stores the event as given (its id is ignored: the database assigns one). */
    @SqlUpdate("INSERT INTO audit_events (" + COLUMNS + ") VALUES (:at, :keyId, "
            + ":keyName, :role, :transport, :method, :resource, :status, :outcome, :remoteAddress)")
    void insert(@BindMethods AuditEvent e);

    /** The newest events, newest first. */
    @SqlQuery("SELECT id, " + COLUMNS + " FROM audit_events ORDER BY id DESC FETCH FIRST :limit ROWS ONLY")
    List<AuditEvent> newest(@Bind("limit") int limit);

    /** The newest events older than {@code beforeId}, newest first. */
    @SqlQuery("SELECT id, " + COLUMNS + " FROM audit_events WHERE id < :before ORDER BY id DESC "
            + "FETCH FIRST :limit ROWS ONLY")
    List<AuditEvent> before(@Bind("before") long beforeId, @Bind("limit") int limit);

    /** Deletes up to {@link #DELETE_BATCH} events older than {@code cutoff}, oldest first; returns how many. */
    @SqlUpdate("DELETE FROM audit_events WHERE id IN (SELECT id FROM "
            + "audit_events WHERE at < :cutoff ORDER BY at FETCH FIRST " + DELETE_BATCH + " ROWS ONLY)")
    int deleteBatchBefore(@Bind("cutoff") Instant cutoff);

    final class Mapper implements RowMapper<AuditEvent> {
        @Override
        public AuditEvent map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new AuditEvent(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")),
                    rs.getObject("key_id", UUID.class), rs.getString("key_name"), rs.getString("role"),
                    rs.getString("transport"), rs.getString("method"), rs.getString("resource"), rs.getInt("status"),
                    rs.getString("outcome"), rs.getString("remote_address"));
        }
    }
}
