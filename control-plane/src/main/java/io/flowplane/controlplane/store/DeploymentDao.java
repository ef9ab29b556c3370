package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Handle;
import io.flowplane.controlplane.model.Deployment;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Deployments: the JSON definition plus the columns the server filters on. */
public interface DeploymentDao {
    String COLUMNS = "id, name, flow_name, pool_id, queue_id, spec, spec_hash, concurrency_limit, paused, "
            + "created_at, updated_at";

    @SqlUpdate("INSERT INTO deployments (" + COLUMNS + ") VALUES (:id, :name, :flowName, :poolId, :queueId, :spec, "
            + ":specHash, :concurrencyLimit, :paused, :createdAt, :updatedAt)")
    void insert(@BindMethods Deployment deployment);

    @SqlUpdate("UPDATE deployments SET flow_name = :flowName, pool_id = :poolId, queue_id = :queueId, spec = :spec, "
            + "spec_hash = :specHash, concurrency_limit = :concurrencyLimit, paused = :paused, "
            + "updated_at = :updatedAt WHERE id = :id")
    void update(@BindMethods Deployment deployment);

    @SqlQuery("SELECT " + COLUMNS + " FROM deployments WHERE name = :name")
    Optional<Deployment> findByName(@Bind("name") String name);

    @SqlQuery("SELECT " + COLUMNS + " FROM deployments WHERE name = :name FOR UPDATE")
    Optional<Deployment> lockByName(@Bind("name") String name);

    @SqlQuery("SELECT " + COLUMNS + " FROM deployments WHERE id = :id")
    Optional<Deployment> find(@Bind("id") UUID id);

    String FIND_ALL = "SELECT " + COLUMNS + " FROM deployments WHERE id IN (<ids>)";
    /** Read through deployments_limited: only the few deployments with a limit, not the pool's every one. */
    String LIMITS_IN_POOL = "SELECT id, concurrency_limit FROM deployments WHERE concurrency_limit >= 0 "
            + "AND pool_id = :poolId";

    @SqlQuery(FIND_ALL)
    List<Deployment> findAll(@BindList("ids") Collection<UUID> ids);

    /** {@link #findAll} without attaching the DAO (see {@link FlowRunDao#lockAllOn}). */
    static List<Deployment> findAllOn(Handle h, Collection<UUID> ids) {
        return h.createQuery(FIND_ALL).bindList("ids", InLists.padded(ids)).mapTo(Deployment.class).list();
    }

    /** The concurrency limits of a pool's deployments, without attaching the DAO. */
    static List<DeploymentLimit> limitsInPoolOn(Handle h, UUID poolId) {
        return h.createQuery(LIMITS_IN_POOL).bind("poolId", poolId).mapTo(DeploymentLimit.class).list();
    }

    @SqlQuery("SELECT " + COLUMNS + " FROM deployments ORDER BY name")
    List<Deployment> list();

    @SqlUpdate("DELETE FROM deployments WHERE id = :id")
    void delete(@Bind("id") UUID id);

    /** A deployment's concurrency limit, for claims. */
    record DeploymentLimit(UUID id, int concurrencyLimit) {
    }
}
