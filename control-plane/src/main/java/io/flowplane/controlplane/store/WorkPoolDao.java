package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Handle;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Work pools and their queues. */
public interface WorkPoolDao {
    String POOL = "id, name, type, description, concurrency_limit, paused, created_at, updated_at, base_job_template";
    String QUEUE = "id, pool_id, name, priority, concurrency_limit, paused, created_at, updated_at";

    @SqlUpdate("INSERT INTO work_pools (" + POOL + ") VALUES (:id, :name, :type, :description, :concurrencyLimit, "
            + ":paused, :createdAt, :updatedAt, :baseJobTemplate)")
    void insert(@BindMethods WorkPool pool);

    @SqlUpdate("UPDATE work_pools SET description = :description, concurrency_limit = :concurrencyLimit, "
            + "paused = :paused, updated_at = :updatedAt, base_job_template = :baseJobTemplate WHERE id = :id")
    void update(@BindMethods WorkPool pool);

    @SqlQuery("SELECT " + POOL + " FROM work_pools WHERE name = :name")
    Optional<WorkPool> findByName(@Bind("name") String name);

    @SqlQuery("SELECT " + POOL + " FROM work_pools WHERE id = :id")
    Optional<WorkPool> find(@Bind("id") UUID id);

    /** Serialises claims on one pool, so its limits are computed without races. */
    @SqlQuery(LOCK_BY_NAME)
    Optional<WorkPool> lockByName(@Bind("name") String name);

    String LOCK_BY_NAME = "SELECT " + POOL + " FROM work_pools WHERE name = :name FOR UPDATE";
    String QUEUES = "SELECT " + QUEUE + " FROM work_queues WHERE pool_id = :poolId ORDER BY priority, name";

    /** {@link #lockByName} without attaching the DAO (see {@link FlowRunDao#lockAllOn}). */
    static Optional<WorkPool> lockByNameOn(Handle h, String name) {
        return h.createQuery(LOCK_BY_NAME).bind("name", name).mapTo(WorkPool.class).findOne();
    }

    /** {@link #queues} without attaching the DAO. */
    static List<WorkQueue> queuesOn(Handle h, UUID poolId) {
        return h.createQuery(QUEUES).bind("poolId", poolId).mapTo(WorkQueue.class).list();
    }

    @SqlQuery("SELECT " + POOL + " FROM work_pools ORDER BY name")
    List<WorkPool> list();

    @SqlUpdate("DELETE FROM work_pools WHERE id = :id")
    void delete(@Bind("id") UUID id);

    @SqlUpdate("INSERT INTO work_queues (" + QUEUE + ") VALUES (:id, :poolId, :name, :priority, :concurrencyLimit, "
            + ":paused, :createdAt, :updatedAt)")
    void insertQueue(@BindMethods WorkQueue queue);

    @SqlUpdate("UPDATE work_queues SET priority = :priority, concurrency_limit = :concurrencyLimit, "
            + "paused = :paused, updated_at = :updatedAt WHERE id = :id")
    void updateQueue(@BindMethods WorkQueue queue);

    @SqlQuery(QUEUES)
    List<WorkQueue> queues(@Bind("poolId") UUID poolId);

    @SqlQuery("SELECT " + QUEUE + " FROM work_queues WHERE pool_id = :poolId AND name = :name")
    Optional<WorkQueue> findQueue(@Bind("poolId") UUID poolId, @Bind("name") String name);

    @SqlQuery("SELECT " + QUEUE + " FROM work_queues WHERE id = :id")
    Optional<WorkQueue> findQueueById(@Bind("id") UUID id);

    @SqlUpdate("DELETE FROM work_queues WHERE id = :id")
    void deleteQueue(@Bind("id") UUID id);

    @SqlQuery("SELECT COUNT(*) FROM deployments WHERE queue_id = :queueId")
    int deploymentsOnQueue(@Bind("queueId") UUID queueId);

    @SqlQuery("SELECT COUNT(*) FROM deployments WHERE pool_id = :poolId")
    int deploymentsOnPool(@Bind("poolId") UUID poolId);
}
