package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.LogLine;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Converts the one-row-per-line {@code logs} table of V1 into {@code log_chunks} (V3), then drops
 * it, in Flyway's transaction: an upgrade keeps every stored line or, if it fails, changes nothing.
 * Java because the chunk encoding ({@link LogChunkCodec}) cannot be written portably in SQL.
 *
 * <p>A line's old sequence was a global id; it becomes its position among the run's stored lines
 * (1, 2, 3, ...), which stays below the sequences new lines get ({@code flow_runs.log_count + 1}:
 * the count includes lines retention deleted since). A chunk's {@code stored_at} is the time its
 * newest line was received, so retention keeps a converted line at least as long as before.
 */
public final class V3_1__Logs_into_chunks extends BaseJavaMigration {
    /** Chunks written per JDBC batch. */
    private static final int BATCH = 100;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement select = c.createStatement();
             PreparedStatement insert = c.prepareStatement("INSERT INTO log_chunks "
                     + "(run_id, first_seq, line_count, stored_at, lines) VALUES (?, ?, ?, ?, ?)")) {
            select.setFetchSize(1000);
            Converter converter = new Converter(insert);
            try (ResultSet rs = select.executeQuery("SELECT run_id, task_run_id, at, stream, level, message "
                    + "FROM logs ORDER BY run_id, id")) {
                while (rs.next()) {
                    converter.add(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getLong(3),
                            rs.getString(4), rs.getString(5), rs.getString(6));
                }
            }
            converter.finish();
        }
        try (Statement drop = c.createStatement()) {
            drop.execute("DROP TABLE logs");
        }
    }

    /** Numbers each run's lines 1, 2, 3, ... and writes them a chunk at a time, in JDBC batches. */
    private static final class Converter {
        private final PreparedStatement insert;
        private final List<LogLine> lines = new ArrayList<>();
        private UUID currentRun;
        private long nextSeq;
        private long newestAt;
        private int pending;

        Converter(PreparedStatement insert) {
            this.insert = insert;
        }

        void add(UUID runId, UUID task, long at, String stream, String level, String message) throws SQLException {
            if (!runId.equals(currentRun)) {
                flushChunk();
                currentRun = runId;
                nextSeq = 1;
            } else if (lines.size() == LogChunk.MAX_LINES) {
                flushChunk();
            }
            lines.add(new LogLine(nextSeq++, runId, task, Instant.ofEpochMilli(at), stream, level, message));
            newestAt = Math.max(newestAt, at);
        }

        void finish() throws SQLException {
            flushChunk();
            if (pending > 0) {
                insert.executeBatch();
            }
        }

        /** The collected lines become one chunk (or more, if they exceed a chunk's bytes). */
        private void flushChunk() throws SQLException {
            if (lines.isEmpty()) {
                return;
            }
            for (LogChunk chunk : LogChunker.chunks(lines, Instant.ofEpochMilli(newestAt))) {
                insert.setObject(1, chunk.runId());
                insert.setLong(2, chunk.firstSeq());
                insert.setInt(3, chunk.lineCount());
                insert.setLong(4, chunk.storedAt().toEpochMilli());
                insert.setBytes(5, chunk.lines());
                insert.addBatch();
                if (++pending == BATCH) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            lines.clear();
            newestAt = 0;
        }
    }
}
