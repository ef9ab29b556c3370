package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.LogLine;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Log lines in {@code log_chunks}: one row per run of consecutive lines of a flow run. Plain Jdbi
 * statements rather than an SQL object: attaching an SQL object builds a handler per method on
 * every handle, which showed in the profile of log ingestion (one transaction per batch).
 */
public final class LogStore {
    /** Chunks a read fetches at most per query (a page is usually one or two chunks). */
    static final int MAX_CHUNKS_PER_QUERY = 256;

    private LogStore() {
    }

    /**
     * Stores lines (each run's with ascending, consecutive sequences) as chunks: a row per run and
     * up to {@link LogChunk#MAX_LINES} lines, instead of a row and three index entries per line.
     */
    public static void insert(Handle h, List<LogLine> lines, Instant storedAt) {
        List<LogChunk> chunks = LogChunker.chunks(lines, storedAt);
        if (chunks.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch("INSERT INTO log_chunks (run_id, first_seq, line_count, stored_at, lines) "
                + "VALUES (:runId, :firstSeq, :lineCount, :storedAt, :lines)");
        for (LogChunk c : chunks) {
            batch.bind("runId", c.runId()).bind("firstSeq", c.firstSeq()).bind("lineCount", c.lineCount())
                    .bind("storedAt", c.storedAt()).bind("lines", c.lines()).add();
        }
        batch.execute();
    }

    /**
     * Deletes the chunks stored before {@code cutoff} (epoch ms) and returns how many lines they
     * held; counted first, in the caller's transaction, so the count is what the delete removed.
     */
    public static long deleteStoredBefore(Handle h, long cutoff) {
        long lines = h.createQuery("SELECT COALESCE(SUM(line_count), 0) FROM log_chunks WHERE stored_at < :cutoff")
                .bind("cutoff", cutoff).mapTo(Long.class).one();
        h.createUpdate("DELETE FROM log_chunks WHERE stored_at < :cutoff").bind("cutoff", cutoff).execute();
        return lines;
    }

    /**
     * Up to {@code limit} lines of a run with a sequence greater than {@code after}, oldest first.
     * Reads chunks in rounds sized by the lines per chunk seen so far, so a page of big chunks
     * costs one query and a page of one-line chunks (a slow trickle) a few, never a page's worth.
     */
    public static List<LogLine> read(Handle h, UUID runId, long after, int limit) {
        List<LogLine> out = new ArrayList<>(Math.min(limit, 1024));
        long from = Math.max(0, after);
        int chunksRead = 0;
        long linesRead = 0;
        int want = 4;
        while (out.size() < limit) {
            List<LogChunk> chunks = chunksAfter(h, runId, from, want);
            for (LogChunk c : chunks) {
                List<LogLine> lines = LogChunkCodec.decode(c, from, limit - out.size());
                out.addAll(lines);
                linesRead += lines.size();
                if (out.size() >= limit) {
                    return out;
                }
            }
            if (chunks.size() < want) {
                return out;
            }
            chunksRead += chunks.size();
            from = chunks.get(chunks.size() - 1).lastSeq();
            long perChunk = Math.max(1, linesRead / chunksRead);
            want = (int) Math.min(MAX_CHUNKS_PER_QUERY, (limit - out.size()) / perChunk + 1);
        }
        return out;
    }

    /**
     * Chunks holding lines after {@code after}, in order. The lower bound on first_seq ({@code
     * after} minus the most lines a chunk holds) keeps the primary key's index range short: a
     * chunk that starts lower cannot reach past {@code after}.
     */
    private static List<LogChunk> chunksAfter(Handle h, UUID runId, long after, int n) {
        return h.createQuery("SELECT run_id, first_seq, line_count, stored_at, lines FROM log_chunks "
                        + "WHERE run_id = :runId AND first_seq > :lowest AND first_seq + line_count - 1 > :after "
                        + "ORDER BY first_seq FETCH FIRST :n ROWS ONLY")
                .bind("runId", runId).bind("after", after).bind("lowest", after - LogChunk.MAX_LINES).bind("n", n)
                .mapTo(LogChunk.class).list();
    }
}
