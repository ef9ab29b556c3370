package io.flowplane.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A profile of PostgreSQL's side of the replicas section, on request
 * ({@code -Dflowplane.bench.pgStatements=N}): the server loads pg_stat_statements, and after each
 * timed throughput round the N statements with the most execution time go to stderr (calls, total
 * and mean time, rows). Off by default: the extension's own bookkeeping costs a little per statement.
 */
final class PgStatements {
    private static final int TOP = Integer.getInteger("flowplane.bench.pgStatements", 0);

    private PgStatements() {
    }

    static boolean enabled() {
        return TOP > 0;
    }

    static void install(EmbeddedPostgres pg) throws SQLException {
        if (enabled()) {
            run(pg, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    static void reset(EmbeddedPostgres pg) throws SQLException {
        if (enabled()) {
            run(pg, "SELECT pg_stat_statements_reset()");
        }
    }

    static void print(EmbeddedPostgres pg, String what) throws SQLException {
        if (!enabled()) {
            return;
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) "
                     + "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT " + TOP)) {
            Out.info("postgres statements, %s (calls, total ms, mean ms, rows, statement):", what);
            while (rs.next()) {
                long calls = rs.getLong(1);
                double total = rs.getDouble(2);
                Out.info("  %8d %9.1f %7.3f %8d  %s", calls, total, total / Math.max(1, calls), rs.getLong(3), rs.getString(4));
            }
        }
    }

    private static void run(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
