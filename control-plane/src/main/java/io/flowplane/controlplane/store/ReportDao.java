package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Artifact;
import io.flowplane.controlplane.model.TaskRun;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** What runs report besides their state: task runs and artifacts (log lines: {@link LogStore}). Writes are batches. */
public interface ReportDao extends SqlObject {
    String TASK = "id, flow_run_id, task_key, name, state_type, state_name, message, cache_key, result_uri, "
            + "result_hash, attempt, tags, started_at, ended_at, created_at, updated_at";
    /** New task runs, in multi-row INSERTs (see {@link RunRows}). */
    default void insertTaskRuns(Collection<TaskRun> runs) {
        RunRows.insertTaskRuns(getHandle(), runs);
    }

    /** Task runs reported again: their state, result and times, as one JDBC batch. */
    default void updateTaskRuns(Collection<TaskRun> runs) {
        RunRows.updateTaskRuns(getHandle(), runs);
    }

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
