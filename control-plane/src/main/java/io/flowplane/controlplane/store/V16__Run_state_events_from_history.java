package io.flowplane.controlplane.store;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Run state events are read from the state history from now on (see {@link RunStateEvents}):
 * {@code events} and {@code flow_run_states} take their ids from one sequence, starting above
 * every id either holds, so the two merge into one order. The first id of that sequence is kept
 * in {@code event_log_origin}: older state rows have an {@code events} row of their own and are
 * not read twice. Java because the start value comes from the data.
 */
public final class V16__Run_state_events_from_history extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                .contains("postgres");
        try (Statement s = c.createStatement()) {
            long start = Math.max(max(s, "events"), max(s, "flow_run_states")) + 1;
            // H2 hands out a cached range in increasing order to every session; PostgreSQL caches
            // per session, which would break the id order the log's readers rely on: no cache there.
            s.execute("CREATE SEQUENCE event_seq START WITH " + start + (postgres ? "" : " CACHE 1000"));
            String next = postgres ? "nextval('event_seq')" : "NEXT VALUE FOR event_seq";
            for (String table : new String[]{"events", "flow_run_states"}) {
                s.execute("ALTER TABLE " + table + " ALTER COLUMN id DROP IDENTITY");
                s.execute("ALTER TABLE " + table + " ALTER COLUMN id SET DEFAULT " + next);
            }
            s.execute("CREATE TABLE event_log_origin (state_events_from BIGINT NOT NULL)");
            s.execute("INSERT INTO event_log_origin (state_events_from) VALUES (" + start + ")");
            // Time filters and the count-within-window and absence triggers read state events by time.
            s.execute("CREATE INDEX flow_run_states_at ON flow_run_states (at)");
            // Paid for by one index less: a run's history is read by run id, which the unique
            // (run_id, idempotency_key) index (and on H2 also the foreign key's own) serves as
            // well as (run_id, id) did; a run has a handful of rows to sort by id.
            s.execute("DROP INDEX flow_run_states_run");
        }
    }

    private static long max(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
