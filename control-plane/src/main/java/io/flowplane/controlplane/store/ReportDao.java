package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.TaskRun;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** What runs report besides their state: task runs, log lines, artifacts. Writes are batches. */
public interface ReportDao extends SqlObject {
    /** Rows per multi-row INSERT of log lines (6 parameters each, far below any driver's limit). */
    int LOG_ROWS_PER_STATEMENT = 250;
    String TASK = "id, flow_run_id, task_key, name, state_type, state_name, message, cache_key, result_uri, "
            + "result_hash, attempt, tags, started_at, ended_at, created_at, updated_at";

    /**
     * Inserts lines in order (their ids ascend in list order) as multi-row INSERTs: on H2 one
     * statement of 250 rows stores lines 2-3 times faster than a JDBC batch of 250 single-row
     * statements, and log ingestion is dominated by this insert.
     */
    default void insertLogs(Collection<LogLine> lines) {
        List<LogLine> all = List.copyOf(lines);
        for (int from = 0; from < all.size(); from += LOG_ROWS_PER_STATEMENT) {
            List<LogLine> chunk = all.subList(from, Math.min(all.size(), from + LOG_ROWS_PER_STATEMENT));
            StringBuilder sql = new StringBuilder("INSERT INTO logs (run_id, task_run_id, at, stream, level, message) VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(:r").append(i).append(", :t").append(i).append(", :a").append(i)
                        .append(", :s").append(i).append(", :l").append(i).append(", :m").append(i).append(')');
            }
            try (Update insert = getHandle().createUpdate(sql.toString())) {
                for (int i = 0; i < chunk.size(); i++) {
                    LogLine line = chunk.get(i);
                    insert.bindByType("r" + i, line.runId(), UUID.class)
                            .bindByType("t" + i, line.taskRunId(), UUID.class)
                            .bindByType("a" + i, line.at(), Instant.class)
                            .bind("s" + i, line.stream())
                            .bind("l" + i, line.level())
                            .bind("m" + i, line.message());
                }
                insert.execute();
            }
        }
    }

    @SqlQuery("SELECT id, run_id, task_run_id, at, stream, level, message FROM logs "
            + "WHERE run_id = :runId AND id > :after ORDER BY id FETCH FIRST :limit ROWS ONLY")
    List<LogLine> logs(@Bind("runId") UUID runId, @Bind("after") long after, @Bind("limit") int limit);

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
