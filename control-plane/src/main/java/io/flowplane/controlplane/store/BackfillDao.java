package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Backfill;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Backfills and the counts their progress is made of. */
public interface BackfillDao {
    String COLUMNS = "id, deployment_id, request_hash, range_from, range_to, schedule_name, parameters, max_active, "
            + "total, state, created_at, ended_at";

    @SqlUpdate("INSERT INTO backfills (" + COLUMNS + ") VALUES (:id, :deploymentId, :requestHash, :rangeFrom, "
            + ":rangeTo, :scheduleName, :parameters, :maxActive, :total, :state, :createdAt, :endedAt)")
    void insert(@BindMethods Backfill backfill);

    @SqlQuery("SELECT " + COLUMNS + " FROM backfills WHERE id = :id")
    Optional<Backfill> find(@Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM backfills WHERE id = :id FOR UPDATE")
    Optional<Backfill> lock(@Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM backfills WHERE deployment_id = :deploymentId AND request_hash = :hash")
    Optional<Backfill> findByRequest(@Bind("deploymentId") UUID deploymentId, @Bind("hash") String hash);

    @SqlQuery("SELECT " + COLUMNS + " FROM backfills WHERE deployment_id = :deploymentId ORDER BY created_at DESC, id")
    List<Backfill> ofDeployment(@Bind("deploymentId") UUID deploymentId);

    @SqlQuery("SELECT id FROM backfills WHERE state = 'RUNNING'")
    List<UUID> running();

    @SqlUpdate("UPDATE backfills SET state = :state, ended_at = :at WHERE id = :id AND state = 'RUNNING'")
    int end(@Bind("id") UUID id, @Bind("state") String state, @Bind("at") Instant at);

    /** Runs of the backfill per state type, plus how many are still held back (not yet released). */
    @SqlQuery("SELECT state_type, COUNT(*) AS runs, "
            + "SUM(CASE WHEN state_type = 'SCHEDULED' AND next_at IS NULL THEN 1 ELSE 0 END) AS held "
            + "FROM flow_runs WHERE backfill_id = :id GROUP BY state_type")
    List<StateCount> counts(@Bind("id") UUID id);

    /** Held runs, oldest instant first: the next ones to release. */
    @SqlQuery("SELECT id FROM flow_runs WHERE backfill_id = :id AND state_type = 'SCHEDULED' AND next_at IS NULL "
            + "ORDER BY scheduled_at FETCH FIRST :limit ROWS ONLY")
    List<UUID> held(@Bind("id") UUID id, @Bind("limit") int limit);

    /** The backfill's runs that have not ended: what cancelling it must stop. */
    @SqlQuery("SELECT id FROM flow_runs WHERE backfill_id = :id "
            + "AND state_type IN ('SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED')")
    List<UUID> openRuns(@Bind("id") UUID id);

    record StateCount(String stateType, long runs, long held) {
    }
}
