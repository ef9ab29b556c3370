package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Handle;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.StateType;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Rows of flow_runs and their state history. Only the run ledger (package ledger) writes them. */
public interface FlowRunDao extends SqlObject {

    /**
     * Selects active runs through the lease index (only they hold a lease); callers still name
     * the states they want.
     */
    String ACTIVE = "lease_expires_at >= 0";

    /** The columns a transition (or a log batch) changes, by position, for {@link RunRows#updateRuns}. */
    String UPDATE_STATE_JDBC = "UPDATE flow_runs SET state_type = ?, state_name = ?, state_message = ?, state_at = ?, "
            + "next_at = ?, attempt = ?, agent_id = ?, lease_epoch = ?, lease_expires_at = ?, started_at = ?, "
            + "ended_at = ?, log_count = ?, "
            + "skip_after = CASE WHEN state_type = 'SCHEDULED' AND ? = 'SCHEDULED' THEN skip_after END WHERE id = ?";

    String COLUMNS = "id, name, deployment_id, deployment_name, flow_name, pool_id, queue_id, parameters, tags, "
            + "state_type, state_name, state_message, state_at, next_at, scheduled_at, attempt, max_retries, "
            + "retry_delays, timeout_ms, agent_id, lease_epoch, lease_expires_at, started_at, ended_at, log_count, "
            + "idempotency_key, created_at, schedule_id, backfill_id, skip_after";

    /** Stores a new run (the columns are bound by hand, see {@link RunRows}). */
    default void insert(FlowRun run) {
        RunRows.insertRuns(getHandle(), List.of(run));
    }

    @SqlQuery("SELECT " + COLUMNS + " FROM flow_runs WHERE id = :id")
    Optional<FlowRun> find(@Bind("id") UUID id);

    /** Locks the run's row until the transaction ends. */
    @SqlQuery("SELECT " + COLUMNS + " FROM flow_runs WHERE id = :id FOR UPDATE")
    Optional<FlowRun> lock(@Bind("id") UUID id);

    String LOCK_ALL = "SELECT " + COLUMNS + " FROM flow_runs WHERE id IN (<ids>) ORDER BY id FOR UPDATE";

    /**
     * Locks several runs (callers pass ids sorted so two batches never deadlock), on a handle
     * without attaching this DAO: attaching it builds a proxy and its method handlers each time,
     * about 100 µs, which the per-batch paths (claims, ingestion) paid several times per
     * transaction.
     */
    static List<FlowRun> lockAllOn(Handle h, Collection<UUID> ids) {
        return h.createQuery(LOCK_ALL).bindList("ids", InLists.padded(ids)).mapTo(FlowRun.class).list();
    }

    /** {@link #lockAllOn} without reading the rows: a lock taken ahead of work that reads them itself. */
    static void lockIdsOn(Handle h, Collection<UUID> ids) {
        h.createQuery("SELECT id FROM flow_runs WHERE id IN (<ids>) ORDER BY id FOR UPDATE")
                .bindList("ids", InLists.padded(ids)).mapTo(UUID.class).list();
    }

    @SqlQuery("SELECT " + COLUMNS + " FROM flow_runs WHERE deployment_id = :deploymentId AND idempotency_key = :key")
    Optional<FlowRun> findByIdempotencyKey(@Bind("deploymentId") UUID deploymentId, @Bind("key") String key);

    /** Persists the fields a transition (or a log batch) changes. */
    default void update(FlowRun run) {
        RunRows.updateRuns(getHandle(), List.of(run));
    }

    /** Appends state history rows in multi-row statements (see {@link RunRows}). */
    default void insertStates(Collection<RunStateRecord> states) {
        if (!states.isEmpty()) {
            RunRows.insertStates(getHandle(), states);
        }
    }

    @SqlQuery("SELECT id, run_id, state_type, state_name, message, actor, attempt, at, idempotency_key, actor_key_id "
            + "FROM flow_run_states WHERE run_id = :runId ORDER BY id")
    List<RunStateRecord> history(@Bind("runId") UUID runId);

    /**
     * "runId|key" for every idempotency key stored for these runs, in one query per 1,000 runs
     * instead of one per reported state.
     */
    static List<String> idempotencyKeysOn(Handle h, List<UUID> runIds) {
        List<String> keys = new java.util.ArrayList<>();
        for (int from = 0; from < runIds.size(); from += 1000) {
            h.createQuery("SELECT run_id, idempotency_key FROM flow_run_states "
                            + "WHERE run_id IN (<ids>) AND idempotency_key IS NOT NULL")
                    .bindList("ids", InLists.padded(runIds.subList(from, Math.min(runIds.size(), from + 1000))))
                    .map((rs, ctx) -> rs.getObject(1, UUID.class) + "|" + rs.getString(2))
                    .forEach(keys::add);
        }
        return keys;
    }

    @SqlQuery("SELECT pool_id FROM flow_runs WHERE id = :id")
    Optional<UUID> poolOf(@Bind("id") UUID id);

    /** A held backfill run → Scheduled and due now; 1 per id that was still held. */
    @SqlBatch("UPDATE flow_runs SET next_at = :now, state_name = 'Scheduled', "
            + "state_at = :now WHERE id = :id AND state_type = 'SCHEDULED' AND next_at IS NULL")
    int[] release(@Bind("id") List<UUID> ids, @Bind("now") Instant now);

    @SqlQuery("SELECT COUNT(*) FROM flow_run_states WHERE run_id = :runId AND idempotency_key = :key")
    int countIdempotencyKey(@Bind("runId") UUID runId, @Bind("key") String key);

    /** Runs holding a lease that has run out: the reaper's input. */
    @SqlQuery("SELECT id FROM flow_runs WHERE lease_expires_at >= 0 AND lease_expires_at < :now "
            + "AND state_type IN ('PENDING', 'RUNNING', 'PAUSED', 'CANCELLING')")
    List<UUID> expiredLeases(@Bind("now") Instant now);

    @SqlQuery("SELECT id FROM flow_runs WHERE " + ACTIVE + " AND state_type = 'CANCELLING' AND state_at < :before")
    List<UUID> cancellingSince(@Bind("before") Instant before);

    /**
     * Extends the leases of runs the agent still holds at these epochs, in one JDBC batch; a count
     * of 0 (in argument order) means that lease is lost.
     */
    @SqlBatch("UPDATE flow_runs SET lease_expires_at = :expiresAt WHERE id = :id AND agent_id = :agentId "
            + "AND lease_epoch = :epoch AND state_type IN ('PENDING', 'RUNNING', 'PAUSED', 'CANCELLING')")
    int[] extendLeases(@Bind("id") List<UUID> ids, @Bind("epoch") List<Long> epochs, @Bind("agentId") String agentId,
                       @Bind("expiresAt") Instant expiresAt);

    @SqlQuery("SELECT id FROM flow_runs WHERE " + ACTIVE + " AND agent_id = :agentId AND state_type = 'CANCELLING'")
    List<UUID> cancellingFor(@Bind("agentId") String agentId);

    /** Whether the queue has a run due at {@code now}: one entry of the due index, no lock. */
    static boolean anyDueOn(Handle h, UUID queueId, Instant now) {
        return h.createQuery("SELECT 1 FROM flow_runs WHERE queue_id = :queueId AND next_at >= 0 "
                        + "AND next_at <= :now AND state_type = 'SCHEDULED' ORDER BY queue_id, next_at FETCH FIRST 1 ROWS ONLY")
                .bind("queueId", queueId).bind("now", now).mapTo(Integer.class).findOne().isPresent();
    }

    /** When the queue's next run falls due after {@code now}, read from the front of the due index. */
    static Optional<Instant> nextDueOn(Handle h, UUID queueId, Instant now) {
        return h.createQuery("SELECT next_at FROM flow_runs WHERE queue_id = :queueId AND next_at > :now "
                        + "AND state_type = 'SCHEDULED' ORDER BY queue_id, next_at FETCH FIRST 1 ROWS ONLY")
                .bind("queueId", queueId).bind("now", now).mapTo(Instant.class).findOne();
    }

    @SqlQuery("SELECT COUNT(*) FROM flow_runs WHERE state_type = :type")
    long countByState(@Bind("type") StateType type);

    /** Active runs (holding a slot) in a pool, per queue and deployment. */
    @SqlQuery("SELECT queue_id, deployment_id, COUNT(*) AS runs FROM flow_runs WHERE " + ACTIVE
            + " AND pool_id = :poolId AND state_type IN ('PENDING', 'RUNNING', 'PAUSED', 'CANCELLING') GROUP BY queue_id, deployment_id")
    List<ActiveCount> activeInPool(@Bind("poolId") UUID poolId);

    /** A count of active runs for one (queue, deployment) pair. */
    record ActiveCount(UUID queueId, UUID deploymentId, int runs) {
    }

    /** Instants of a schedule that already have a run (of any state) after {@code after}. */
    @SqlQuery("SELECT scheduled_at FROM flow_runs WHERE schedule_id = :scheduleId AND scheduled_at > :after")
    List<Instant> scheduledInstants(@Bind("scheduleId") UUID scheduleId, @Bind("after") Instant after);

    /** Removes a schedule's runs that have not started and are due after {@code after}. */
    @SqlUpdate("DELETE FROM flow_runs WHERE schedule_id = :scheduleId AND state_type = 'SCHEDULED' "
            + "AND attempt = 1 AND scheduled_at > :after")
    int deleteUnstartedAfter(@Bind("scheduleId") UUID scheduleId, @Bind("after") Instant after);

    /** Runs waiting in Scheduled whose due time passed before {@code cutoff}. */
    @SqlQuery("SELECT id, attempt FROM flow_runs WHERE next_at >= 0 AND next_at <= :cutoff "
            + "AND state_name = 'Scheduled' AND state_type = 'SCHEDULED' FETCH FIRST :limit ROWS ONLY")
    List<Overdue> overdue(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** Scheduled → Late for each id still in Scheduled; 1 per id that changed. */
    @SqlBatch("UPDATE flow_runs SET state_name = 'Late', state_at = :now WHERE id = :id "
            + "AND state_type = 'SCHEDULED' AND state_name = 'Scheduled'")
    int[] markLate(@Bind("id") List<UUID> ids, @Bind("now") Instant now);

    /** Every unstarted, due first attempt of a schedule (the due range of next_at): what catch-up chooses from. */
    @SqlQuery("SELECT id, schedule_id, scheduled_at, state_name FROM flow_runs WHERE next_at >= 0 AND next_at <= :now "
            + "AND schedule_id IS NOT NULL AND state_type = 'SCHEDULED' AND state_name IN ('Scheduled', 'Late') "
            + "AND attempt = 1")
    List<DueRun> dueScheduledFirstAttempts(@Bind("now") Instant now);

    /** Unstarted runs past their deployment's max lateness (skip_after is never before the due time, so only due runs can be). */
    @SqlQuery("SELECT id FROM flow_runs WHERE next_at >= 0 AND next_at <= :now AND skip_after <= :now "
            + "AND state_type = 'SCHEDULED' FETCH FIRST :limit ROWS ONLY")
    List<UUID> pastMaxLateness(@Bind("now") Instant now, @Bind("limit") int limit);

    record Overdue(UUID id, int attempt) {
    }

    /** A due, unstarted run of a schedule. */
    record DueRun(UUID id, UUID scheduleId, Instant scheduledAt, String stateName) {
    }
}
