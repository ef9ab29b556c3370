package io.flowplane.controlplane.store;

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

    @SqlQuery("SELECT " + COLUMNS + " FROM deployments WHERE id IN (<ids>)")
    List<Deployment> findAll(@BindList("ids") Collection<UUID> ids);

    @SqlQuery("SELECT " + COLUMNS + " FROM deployments ORDER BY name")
    List<Deployment> list();

    @SqlQuery("SELECT id, concurrency_limit FROM deployments WHERE pool_id = :poolId AND concurrency_limit IS NOT NULL")
    List<DeploymentLimit> limitsInPool(@Bind("poolId") UUID poolId);

    @SqlUpdate("DELETE FROM deployments WHERE id = :id")
    void delete(@Bind("id") UUID id);

    /** A deployment's concurrency limit, for claims. */
    record DeploymentLimit(UUID id, int concurrencyLimit) {
    }
}
