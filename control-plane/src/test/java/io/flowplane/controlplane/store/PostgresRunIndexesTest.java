package io.flowplane.controlplane.store;

import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL the run indexes keyed on columns that are NULL for most of a run's life hold only
 * the rows that set them (V17): an UPDATE of a finished run must not add entries to them.
 */
class PostgresRunIndexesTest {
    private final EmbeddedPostgresHolder.Database database = EmbeddedPostgresHolder.freshDatabase("flowplane_run_indexes");

    @AfterEach
    void drop() {
        EmbeddedPostgresHolder.drop(database);
    }

    @Test
    void theIndexesOfColumnsSetOnlyForAWhileArePartial() throws Exception {
        Store.open(database.dataSource(), Dialect.POSTGRESQL);

        Map<String, String> defs = new HashMap<>();
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'flow_runs'")) {
            while (rs.next()) {
                defs.put(rs.getString(1), rs.getString(2));
            }
        }

        assertThat(defs.get("flow_runs_due")).contains("(queue_id, next_at)").endsWith("WHERE (next_at IS NOT NULL)");
        assertThat(defs.get("flow_runs_next")).contains("(next_at)").endsWith("WHERE (next_at IS NOT NULL)");
        assertThat(defs.get("flow_runs_lease")).contains("(lease_expires_at)")
                .endsWith("WHERE (lease_expires_at IS NOT NULL)");
        assertThat(defs.get("flow_runs_backfill")).contains("(backfill_id)").endsWith("WHERE (backfill_id IS NOT NULL)");
        // The constraints' indexes stay whole: they enforce uniqueness over every row.
        assertThat(defs.get("flow_runs_idempotency")).doesNotContain("WHERE");
        assertThat(defs.get("flow_runs_schedule_instant")).doesNotContain("WHERE");
    }
}
