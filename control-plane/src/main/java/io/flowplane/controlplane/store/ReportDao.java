package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.TaskRun;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** What runs report besides their state: task runs, log lines, artifacts. Writes are batches. */
public interface ReportDao extends SqlObject {
    String TASK = "id, flow_run_id, task_key, name, state_type, state_name, message, cache_key, result_uri, "
            + "result_hash, attempt, tags, started_at, ended_at, created_at, updated_at";
    /** Chunks a log read fetches at most per query (a page is usually one or two chunks). */
    int MAX_CHUNKS_PER_QUERY = 256;

    /**
     * Stores lines (each run's with ascending, consecutive sequences) as chunks: one row per run
     * and up to {@link LogChunk#MAX_LINES} lines, instead of a row and three index entries per line.
     */
    default void insertLogs(List<LogLine> lines, Instant storedAt) {
        insertLogChunks(LogChunker.chunks(lines, storedAt));
    }

    @SqlBatch("INSERT INTO log_chunks (run_id, first_seq, line_count, stored_at, lines) "
            + "VALUES (:runId, :firstSeq, :lineCount, :storedAt, :lines)")
    void insertLogChunks(@BindMethods Collection<LogChunk> chunks);

    /**
     * Up to {@code limit} lines of a run with a sequence greater than {@code after}, oldest first.
     * Reads chunks in rounds sized by the lines per chunk seen so far, so a page of big chunks
     * costs one query and a page of one-line chunks (a slow trickle) a few, never a page's worth.
     */
    default List<LogLine> logs(UUID runId, long after, int limit) {
        List<LogLine> out = new ArrayList<>(Math.min(limit, 1024));
        long from = Math.max(0, after);
        int chunksRead = 0;
        long linesRead = 0;
        int want = 4;
        while (out.size() < limit) {
            List<LogChunk> chunks = logChunks(runId, from, from - LogChunk.MAX_LINES, want);
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
     * Chunks holding lines after {@code after}, in order. {@code lowest} ({@code after} minus the
     * most lines a chunk holds) bounds the index range from below: a chunk that starts lower
     * cannot reach past {@code after}.
     */
    @SqlQuery("SELECT run_id, first_seq, line_count, stored_at, lines FROM log_chunks "
            + "WHERE run_id = :runId AND first_seq > :lowest AND first_seq + line_count - 1 > :after "
            + "ORDER BY first_seq FETCH FIRST :n ROWS ONLY")
    List<LogChunk> logChunks(@Bind("runId") UUID runId, @Bind("after") long after, @Bind("lowest") long lowest,
                             @Bind("n") int n);

    @SqlBatch("INSERT INTO task_runs (" + TASK + ") VALUES (:id, :flowRunId, :taskKey, :name, :stateType, "
            + ":stateName, :message, :cacheKey, :resultUri, :resultHash, :attempt, :tags, :startedAt, :endedAt, "
            + ":createdAt, :updatedAt)")
    void insertTaskRuns(@BindMethods Collection<TaskRun> runs);

    @SqlBatch("UPDATE task_runs SET task_key = :taskKey, name = :name, state_type = :stateType, "
            + "state_name = :stateName, message = :message, cache_key = :cacheKey, result_uri = :resultUri, "
            + "result_hash = :resultHash, attempt = :attempt, tags = :tags, started_at = :startedAt, "
            + "ended_at = :endedAt, updated_at = :updatedAt WHERE id = :id")
    void updateTaskRuns(@BindMethods Collection<TaskRun> runs);

    @SqlQuery("SELECT " + TASK + " FROM task_runs WHERE id IN (<ids>)")
    List<TaskRun> findTaskRuns(@BindList("ids") Collection<UUID> ids);

    @SqlQuery("SELECT " + TASK + " FROM task_runs WHERE flow_run_id = :runId ORDER BY created_at, id")
    List<TaskRun> taskRuns(@Bind("runId") UUID runId);

    @SqlBatch("INSERT INTO artifacts (id, run_id, task_run_id, artifact_key, type, description, data, created_at) "
            + "VALUES (:id, :runId, :taskRunId, :artifactKey, :type, :description, :data, :createdAt)")
    void insertArtifacts(@BindMethods Collection<Artifact> artifacts);

    @SqlQuery("SELECT id, run_id, task_run_id, artifact_key, type, description, data, created_at FROM artifacts "
            + "WHERE run_id = :runId ORDER BY created_at, id")
    List<Artifact> artifacts(@Bind("runId") UUID runId);
}
