package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.TaskRun;
import io.flowplane.controlplane.state.Actor;
import org.jdbi.v3.core.Handle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The writes every run makes several times (its rows in flow_runs and flow_run_states), in plain
 * JDBC on the handle's connection and transaction. Through JDBI's bean binding these statements
 * spent as long resolving and binding arguments by reflection as H2 spent storing the rows; and
 * on H2 one INSERT of many rows is two to three times faster than a JDBC batch of one-row INSERTs.
 * The column lists are FlowRunDao's, so reads and writes agree.
 */
public final class RunRows {
    /** Rows per multi-row INSERT: 100 state rows are 800 parameters, 50 runs 1,500. */
    private static final int STATES_PER_STATEMENT = 100;
    private static final int RUNS_PER_STATEMENT = 50;
    private static final String STATE_COLUMNS =
            "run_id, state_type, state_name, message, actor, attempt, at, idempotency_key, actor_key_id";

    private RunRows() {
    }

    public static void insertStates(Handle h, Collection<RunStateRecord> states) {
        insertRows(h, "flow_run_states (" + STATE_COLUMNS + ")", 9, STATES_PER_STATEMENT, List.copyOf(states),
                (ps, i, s) -> {
                    ps.setObject(i, s.runId());
                    ps.setString(i + 1, s.stateType().name());
                    ps.setString(i + 2, s.stateName());
                    ps.setString(i + 3, s.message());
                    ps.setString(i + 4, s.actor().name());
                    ps.setInt(i + 5, s.attempt());
                    setInstant(ps, i + 6, s.at());
                    ps.setString(i + 7, s.idempotencyKey());
                    ps.setObject(i + 8, s.actorKeyId());
                });
    }

    public static void insertRuns(Handle h, Collection<FlowRun> runs) {
        insertRows(h, "flow_runs (" + FlowRunDao.COLUMNS + ")", 30, RUNS_PER_STATEMENT, List.copyOf(runs),
                (ps, i, r) -> {
                    ps.setObject(i, r.id());
                    ps.setString(i + 1, r.name());
                    ps.setObject(i + 2, r.origin().deploymentId());
                    ps.setString(i + 3, r.origin().deploymentName());
                    ps.setString(i + 4, r.origin().flowName());
                    ps.setObject(i + 5, r.placement().poolId());
                    ps.setObject(i + 6, r.placement().queueId());
                    ps.setString(i + 7, r.parameters());
                    ps.setString(i + 8, r.tags());
                    ps.setString(i + 9, r.state().type().name());
                    ps.setString(i + 10, r.state().name());
                    ps.setString(i + 11, r.state().message());
                    setInstant(ps, i + 12, r.state().at());
                    setInstant(ps, i + 13, r.nextAt());
                    setInstant(ps, i + 14, r.times().scheduledAt());
                    ps.setInt(i + 15, r.attempt());
                    ps.setInt(i + 16, r.policy().maxRetries());
                    ps.setString(i + 17, r.policy().retryDelays());
                    setLong(ps, i + 18, r.policy().timeoutMs());
                    ps.setString(i + 19, r.lease().agentId());
                    ps.setLong(i + 20, r.lease().epoch());
                    setInstant(ps, i + 21, r.lease().expiresAt());
                    setInstant(ps, i + 22, r.times().startedAt());
                    setInstant(ps, i + 23, r.times().endedAt());
                    ps.setLong(i + 24, r.logCount());
                    ps.setString(i + 25, r.origin().idempotencyKey());
                    setInstant(ps, i + 26, r.times().createdAt());
                    ps.setObject(i + 27, r.origin().scheduleId());
                    ps.setObject(i + 28, r.origin().backfillId());
                    setInstant(ps, i + 29, r.times().skipAfter());
                });
    }

    /** {@link FlowRunDao#UPDATE_STATE_JDBC} for each run, as one JDBC batch. */
    public static void updateRuns(Handle h, Collection<FlowRun> runs) {
        batch(h, FlowRunDao.UPDATE_STATE_JDBC, runs, "flow runs", (ps, i, r) -> {
            ps.setString(i, r.state().type().name());
            ps.setString(i + 1, r.state().name());
            ps.setString(i + 2, r.state().message());
            setInstant(ps, i + 3, r.state().at());
            setInstant(ps, i + 4, r.nextAt());
            ps.setInt(i + 5, r.attempt());
            ps.setString(i + 6, r.lease().agentId());
            ps.setLong(i + 7, r.lease().epoch());
            setInstant(ps, i + 8, r.lease().expiresAt());
            setInstant(ps, i + 9, r.times().startedAt());
            setInstant(ps, i + 10, r.times().endedAt());
            ps.setLong(i + 11, r.logCount());
            ps.setString(i + 12, r.state().type().name());
            ps.setObject(i + 13, r.id());
        });
    }

    public static void insertTaskRuns(Handle h, Collection<TaskRun> tasks) {
        insertRows(h, "task_runs (" + ReportDao.TASK + ")", 16, RUNS_PER_STATEMENT, List.copyOf(tasks),
                (ps, i, t) -> {
                    ps.setObject(i, t.id());
                    ps.setObject(i + 1, t.flowRunId());
                    ps.setString(i + 2, t.taskKey());
                    ps.setString(i + 3, t.name());
                    bindTaskReport(ps, i + 4, t);
                    setInstant(ps, i + 14, t.times().createdAt());
                    setInstant(ps, i + 15, t.times().updatedAt());
                });
    }

    public static void updateTaskRuns(Handle h, Collection<TaskRun> tasks) {
        batch(h, UPDATE_TASK, tasks, "task runs", (ps, i, t) -> {
            ps.setString(i, t.taskKey());
            ps.setString(i + 1, t.name());
            bindTaskReport(ps, i + 2, t);
            setInstant(ps, i + 12, t.times().updatedAt());
            ps.setObject(i + 13, t.id());
        });
    }

    /** One statement executed for each row as a single JDBC batch; nothing is prepared for no rows. */
    private static <T> void batch(Handle h, String sql, Collection<T> rows, String what, RowBinder<T> binder) {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(ps, 1, row);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new StoreException("updating " + rows.size() + " " + what, e);
        }
    }

    private static final String UPDATE_TASK = "UPDATE task_runs SET task_key = ?, name = ?, state_type = ?, "
            + "state_name = ?, message = ?, cache_key = ?, result_uri = ?, result_hash = ?, attempt = ?, tags = ?, "
            + "started_at = ?, ended_at = ?, updated_at = ? WHERE id = ?";

    /** The ten columns from state_type to ended_at, in ReportDao.TASK's order. */
    private static void bindTaskReport(PreparedStatement ps, int i, TaskRun t) throws SQLException {
        ps.setString(i, t.state().type().name());
        ps.setString(i + 1, t.state().name());
        ps.setString(i + 2, t.state().message());
        ps.setString(i + 3, t.result().cacheKey());
        ps.setString(i + 4, t.result().uri());
        ps.setString(i + 5, t.result().hash());
        ps.setInt(i + 6, t.attempt());
        ps.setString(i + 7, t.tags());
        setInstant(ps, i + 8, t.times().startedAt());
        setInstant(ps, i + 9, t.times().endedAt());
    }

    private interface RowBinder<T> {
        void bind(PreparedStatement ps, int firstParameter, T row) throws SQLException;
    }

    private static <T> void insertRows(Handle h, String into, int columns, int perStatement, List<T> rows,
                                       RowBinder<T> binder) {
        Connection c = h.getConnection();
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<T> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            try (PreparedStatement ps = c.prepareStatement(insertSql(into, columns, chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) {
                    binder.bind(ps, i * columns + 1, chunk.get(i));
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("inserting " + chunk.size() + " rows into " + into, e);
            }
        }
    }

    private static String insertSql(String into, int columns, int rows) {
        String one = "(?" + ", ?".repeat(columns - 1) + ")";
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(into).append(" VALUES ").append(one);
        for (int i = 1; i < rows; i++) {
            sql.append(", ").append(one);
        }
        return sql.toString();
    }

    private static void setInstant(PreparedStatement ps, int i, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, value.toEpochMilli());
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, value);
        }
    }

    /** A failed write; the transaction it was part of rolls back. */
    static final class StoreException extends org.jdbi.v3.core.JdbiException {
        StoreException(String what, SQLException cause) {
            super(what + ": " + cause.getMessage(), cause);
        }
    }
}
