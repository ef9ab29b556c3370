package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.InboundWebhook;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Inbound webhooks. */
@RegisterConstructorMapper(InboundWebhook.class)
public interface WebhookDao {
    @SqlUpdate("INSERT INTO inbound_webhooks (id, name, secret_hash, created_at) VALUES (:id, :name, :secretHash, :createdAt)")
    void insert(@BindMethods InboundWebhook w);

    @SqlQuery("SELECT id, name, secret_hash, created_at FROM inbound_webhooks WHERE id = :id")
    Optional<InboundWebhook> find(@Bind("id") UUID id);

    @SqlQuery("SELECT id, name, secret_hash, created_at FROM inbound_webhooks WHERE name = :name")
    Optional<InboundWebhook> findByName(@Bind("name") String name);

    @SqlQuery("SELECT id, name, secret_hash, created_at FROM inbound_webhooks ORDER BY name")
    List<InboundWebhook> list();

    @SqlUpdate("DELETE FROM inbound_webhooks WHERE id = :id")
    int delete(@Bind("id") UUID id);
}
