package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.NotificationAttempt;
import io.flowplane.controlplane.model.NotificationDelivery;
import io.flowplane.controlplane.model.NotificationTarget;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Notification targets, the delivery outbox and the delivery log. */
@RegisterConstructorMapper(NotificationTarget.class)
@RegisterConstructorMapper(NotificationDelivery.class)
@RegisterConstructorMapper(NotificationAttempt.class)
public interface NotificationDao {
    String TARGET = "id, name, kind, url, secret, template, created_at, updated_at";
    String DELIVERY = "id, target_id, action_id, event_id, body, status, attempts, next_at, last_status, last_error, "
            + "created_at, updated_at";

    @SqlUpdate("INSERT INTO notification_targets (" + TARGET + ") VALUES (:id, :name, :kind, :url, :secret, "
            + ":template, :createdAt, :updatedAt)")
    void insertTarget(@BindMethods NotificationTarget t);

    @SqlQuery("SELECT " + TARGET + " FROM notification_targets WHERE id = :id")
    Optional<NotificationTarget> target(@Bind("id") UUID id);

    @SqlQuery("SELECT " + TARGET + " FROM notification_targets WHERE name = :name")
    Optional<NotificationTarget> targetByName(@Bind("name") String name);

    @SqlQuery("SELECT " + TARGET + " FROM notification_targets ORDER BY name")
    List<NotificationTarget> targets();

    @SqlUpdate("DELETE FROM notification_targets WHERE id = :id")
    int deleteTarget(@Bind("id") UUID id);

    @SqlQuery("SELECT COUNT(*) FROM notification_deliveries WHERE action_id = :actionId")
    int countForAction(@Bind("actionId") UUID actionId);

    @SqlUpdate("INSERT INTO notification_deliveries (" + DELIVERY + ") VALUES (:id, :targetId, :actionId, :eventId, "
            + ":body, :status, :attempts, :nextAt, :lastStatus, :lastError, :createdAt, :updatedAt)")
    void insertDelivery(@BindMethods NotificationDelivery d);

    @SqlQuery("SELECT " + DELIVERY + " FROM notification_deliveries WHERE status = 'PENDING' AND next_at <= :now "
            + "ORDER BY next_at, id FETCH FIRST 20 ROWS ONLY")
    List<NotificationDelivery> due(@Bind("now") Instant now);

    @SqlQuery("SELECT MIN(next_at) FROM notification_deliveries WHERE status = 'PENDING'")
    Optional<Instant> nextDue();

    @SqlUpdate("UPDATE notification_deliveries SET status = :status, attempts = :attempts, next_at = :nextAt, "
            + "last_status = :lastStatus, last_error = :lastError, updated_at = :updatedAt "
            + "WHERE id = :id AND status = 'PENDING'")
    int update(@BindMethods NotificationDelivery d);

    @SqlUpdate("INSERT INTO notification_attempts (delivery_id, at, status_code, error, duration_ms) "
            + "VALUES (:deliveryId, :at, :statusCode, :error, :durationMs)")
    void insertAttempt(@Bind("deliveryId") UUID deliveryId, @Bind("at") Instant at,
                       @Bind("statusCode") Integer statusCode, @Bind("error") String error,
                       @Bind("durationMs") long durationMs);

    @SqlQuery("SELECT " + DELIVERY + " FROM notification_deliveries WHERE target_id = :targetId "
            + "ORDER BY created_at DESC, id FETCH FIRST :limit ROWS ONLY")
    List<NotificationDelivery> deliveries(@Bind("targetId") UUID targetId, @Bind("limit") int limit);

    @SqlQuery("SELECT id, delivery_id, at, status_code, error, duration_ms FROM notification_attempts "
            + "WHERE delivery_id = :deliveryId ORDER BY id")
    List<NotificationAttempt> attempts(@Bind("deliveryId") UUID deliveryId);
}
