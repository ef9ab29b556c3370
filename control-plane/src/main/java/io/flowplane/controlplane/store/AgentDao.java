package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Agent;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Registered agents. */
public interface AgentDao {
    String COLUMNS = "id, name, pools, slots, free_slots, version, hostname, labels, registered_at, last_heartbeat_at";

    @SqlUpdate("INSERT INTO agents (" + COLUMNS + ") VALUES (:id, :name, :pools, :slots, :freeSlots, :version, "
            + ":hostname, :labels, :registeredAt, :lastHeartbeatAt)")
    void insert(@BindMethods Agent agent);

    @SqlUpdate("UPDATE agents SET name = :name, pools = :pools, slots = :slots, free_slots = :freeSlots, "
            + "version = :version, hostname = :hostname, labels = :labels, last_heartbeat_at = :lastHeartbeatAt "
            + "WHERE id = :id")
    int update(@BindMethods Agent agent);

    @SqlUpdate("UPDATE agents SET free_slots = :freeSlots, last_heartbeat_at = :at WHERE id = :id")
    int heartbeat(@Bind("id") String id, @Bind("freeSlots") int freeSlots, @Bind("at") Instant at);

    @SqlQuery("SELECT " + COLUMNS + " FROM agents WHERE id = :id")
    Optional<Agent> find(@Bind("id") String id);

    @SqlQuery("SELECT " + COLUMNS + " FROM agents ORDER BY name, id")
    List<Agent> list();
}
