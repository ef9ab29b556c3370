package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.LogLine;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Upgrading a store that holds lines in V1's one-row-per-line {@code logs} table: every line is
 * kept, readable in its run's order with sequences 1, 2, 3, ..., and the old table is gone.
 */
class LegacyLogsMigrationTest {
    private static final Instant AT = Instant.parse("2026-02-01T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void h2() throws Exception {
        UpgradeDatabases.onH2(dir, this::upgradeKeepsEveryLine);
    }

    @Test
    void postgres() throws Exception {
        UpgradeDatabases.onPostgres("flowplane_log_upgrade", this::upgradeKeepsEveryLine);
    }

    private void upgradeKeepsEveryLine(DataSource ds, Dialect dialect) {
        UpgradeDatabases.migrateTo(ds, dialect, "2");
        UUID big = UUID.randomUUID();
        UUID small = UUID.randomUUID();
        UUID task = UUID.randomUUID();
        Jdbi jdbi = Jdbi.create(ds);
        jdbi.useHandle(h -> {
            // Interleaved ids, as two runs logging at once produced them; 1,500 lines of one run
            // make more than one chunk.
            var insert = h.prepareBatch("INSERT INTO logs (run_id, task_run_id, at, stream, level, message) "
                    + "VALUES (?, ?, ?, ?, ?, ?)");
            for (int i = 1; i <= 1500; i++) {
                insert.add(big, null, AT.toEpochMilli() + i, "STDOUT", "INFO", "big " + i);
                if (i <= 3) {
                    insert.add(small, task, AT.toEpochMilli(), "LOGGER", "ERROR", "small " + i + " ✓");
                }
            }
            insert.execute();
        });

        Store store = Store.open(ds, dialect);

        List<LogLine> bigLines = store.jdbi().withHandle(h -> LogStore.read(h, big, 0, 10_000));
        assertThat(bigLines).extracting(LogLine::seq).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 1500).boxed().toList());
        assertThat(bigLines.get(1499)).isEqualTo(
                new LogLine(1500, big, null, AT.plusMillis(1500), "STDOUT", "INFO", "big 1500"));
        List<LogLine> middle = store.jdbi().withHandle(h -> LogStore.read(h, big, 999, 2));
        assertThat(middle).extracting(LogLine::message).containsExactly("big 1000", "big 1001");
        List<LogLine> smallLines = store.jdbi().withHandle(h -> LogStore.read(h, small, 0, 10));
        assertThat(smallLines).containsExactly(
                new LogLine(1, small, task, AT, "LOGGER", "ERROR", "small 1 ✓"),
                new LogLine(2, small, task, AT, "LOGGER", "ERROR", "small 2 ✓"),
                new LogLine(3, small, task, AT, "LOGGER", "ERROR", "small 3 ✓"));
        // A converted chunk is stored as of its newest line, so retention keeps it at least as long.
        long newest = store.jdbi().withHandle(h -> h.createQuery(
                "SELECT MAX(stored_at) FROM log_chunks WHERE run_id = :r").bind("r", big).mapTo(Long.class).one());
        assertThat(newest).isEqualTo(AT.toEpochMilli() + 1500);
        assertThatThrownBy(() -> store.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM logs")
                .mapTo(Long.class).one())).hasMessageContaining("logs");
    }
}
