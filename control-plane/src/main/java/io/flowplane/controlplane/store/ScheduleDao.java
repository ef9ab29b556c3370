package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Schedule;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Schedules of deployments and the scheduler's progress through each. */
public interface ScheduleDao {
    String COLUMNS = "id, deployment_id, name, spec, fingerprint, active, cursor_at, next_check_at, created_at, "
            + "updated_at";

    @SqlUpdate("INSERT INTO schedules (" + COLUMNS + ") VALUES (:id, :deploymentId, :name, :spec, :fingerprint, "
            + ":active, :cursorAt, :nextCheckAt, :createdAt, :updatedAt)")
    void insert(@BindMethods Schedule schedule);

    @SqlUpdate("UPDATE schedules SET spec = :spec, fingerprint = :fingerprint, active = :active, "
            + "cursor_at = :cursorAt, next_check_at = :nextCheckAt, updated_at = :updatedAt WHERE id = :id")
    void update(@BindMethods Schedule schedule);

    @SqlBatch("UPDATE schedules SET cursor_at = :cursorAt, next_check_at = :nextCheckAt, updated_at = :updatedAt "
            + "WHERE id = :id")
    void updateProgress(@BindMethods Collection<Schedule> schedules);

    @SqlUpdate("DELETE FROM schedules WHERE id = :id")
    void delete(@Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM schedules WHERE deployment_id = :deploymentId ORDER BY name")
    List<Schedule> ofDeployment(@Bind("deploymentId") UUID deploymentId);

    @SqlQuery("SELECT " + COLUMNS + " FROM schedules WHERE deployment_id = :deploymentId ORDER BY id FOR UPDATE")
    List<Schedule> lockOfDeployment(@Bind("deploymentId") UUID deploymentId);

    @SqlQuery("SELECT " + COLUMNS + " FROM schedules WHERE id IN (<ids>)")
    List<Schedule> findAll(@org.jdbi.v3.sqlobject.customizer.BindList("ids") Collection<UUID> ids);

    /**
     * Schedules with work due, locked; rows another scheduler holds are skipped, so replicas split
     * the work instead of queueing on it. No ORDER BY: on H2 an ordered FOR UPDATE is far slower,
     * and every due row is taken within a tick or the next.
     */
    @SqlQuery("SELECT " + COLUMNS + " FROM schedules WHERE next_check_at <= :now "
            + "FETCH FIRST :limit ROWS ONLY FOR UPDATE SKIP LOCKED")
    List<Schedule> lockDue(@Bind("now") Instant now, @Bind("limit") int limit);
}
