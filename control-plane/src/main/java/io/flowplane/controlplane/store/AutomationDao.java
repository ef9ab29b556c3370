package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.Automation;
import io.flowplane.controlplane.model.AutomationAction;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Automations, the evaluator's cursor, firings and the action outbox. */
@RegisterConstructorMapper(Automation.class)
@RegisterConstructorMapper(AutomationAction.class)
public interface AutomationDao {
    String COLUMNS = "id, name, enabled, spec, created_at, updated_at, enabled_at";
    String ACTION_COLUMNS = "id, firing_id, automation_id, position, action, status, attempts, next_at, last_error, "
            + "result, updated_at";

    @SqlUpdate("INSERT INTO automations (" + COLUMNS + ") VALUES (:id, :name, :enabled, :spec, :createdAt, "
            + ":updatedAt, :enabledAt)")
    void insert(@BindMethods Automation a);

    @SqlUpdate("UPDATE automations SET enabled = :enabled, spec = :spec, updated_at = :updatedAt, "
            + "enabled_at = :enabledAt WHERE id = :id")
    int update(@BindMethods Automation a);

    @SqlUpdate("DELETE FROM automations WHERE id = :id")
    int delete(@Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM automations WHERE id = :id")
    Optional<Automation> find(@Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM automations WHERE name = :name")
    Optional<Automation> findByName(@Bind("name") String name);

    @SqlQuery("SELECT " + COLUMNS + " FROM automations ORDER BY name")
    List<Automation> list();

    @SqlQuery("SELECT " + COLUMNS + " FROM automations WHERE enabled ORDER BY name")
    List<Automation> enabled();

    // ------------------------------------------------------------------ the evaluator

    @SqlQuery("SELECT position FROM automation_cursors WHERE name = :name FOR UPDATE")
    long lockCursor(@Bind("name") String name);

    @SqlUpdate("UPDATE automation_cursors SET position = :position WHERE name = :name")
    void moveCursor(@Bind("name") String name, @Bind("position") long position);

    @SqlUpdate("INSERT INTO automation_firings (id, automation_id, firing_key, event_id, fired_at, context) "
            + "VALUES (:id, :automationId, :key, :eventId, :firedAt, :context)")
    void insertFiring(@Bind("id") UUID id, @Bind("automationId") UUID automationId, @Bind("key") String key,
                      @Bind("eventId") Long eventId, @Bind("firedAt") Instant firedAt, @Bind("context") String context);

    @SqlQuery("SELECT COUNT(*) FROM automation_firings WHERE automation_id = :automationId AND firing_key = :key")
    int countFirings(@Bind("automationId") UUID automationId, @Bind("key") String key);

    /** The id of the latest event that fired the automation (0: none): a count restarts after it. */
    @SqlQuery("SELECT COALESCE(MAX(event_id), 0) FROM automation_firings WHERE automation_id = :automationId")
    long lastFiringEvent(@Bind("automationId") UUID automationId);

    /** The latest absence deadline the automation fired for (absence firings store it as fired_at). */
    @SqlQuery("SELECT MAX(fired_at) FROM automation_firings WHERE automation_id = :automationId "
            + "AND event_id IS NULL")
    Optional<Instant> lastAbsenceDeadline(@Bind("automationId") UUID automationId);

    @SqlQuery("SELECT MAX(fired_at) FROM automation_firings WHERE automation_id = :automationId")
    Optional<Instant> lastFiredAt(@Bind("automationId") UUID automationId);

    @SqlQuery("SELECT COUNT(*) FROM automation_firings WHERE automation_id = :automationId")
    long firingCount(@Bind("automationId") UUID automationId);

    @SqlBatch("INSERT INTO automation_actions (" + ACTION_COLUMNS + ") VALUES (:id, :firingId, :automationId, "
            + ":position, :action, :status, :attempts, :nextAt, :lastError, :result, :updatedAt)")
    void insertActions(@BindMethods List<AutomationAction> actions);

    // ------------------------------------------------------------------ the action runner

    @SqlQuery("SELECT " + ACTION_COLUMNS + " FROM automation_actions WHERE status = 'PENDING' AND next_at <= :now "
            + "ORDER BY next_at, id FETCH FIRST 50 ROWS ONLY")
    List<AutomationAction> due(@Bind("now") Instant now);

    @SqlQuery("SELECT MIN(next_at) FROM automation_actions WHERE status = 'PENDING'")
    Optional<Instant> nextDue();

    @SqlUpdate("UPDATE automation_actions SET status = :status, attempts = :attempts, next_at = :nextAt, "
            + "last_error = :lastError, result = :result, updated_at = :updatedAt WHERE id = :id AND status = 'PENDING'")
    int finish(@BindMethods AutomationAction a);

    @SqlQuery("SELECT " + ACTION_COLUMNS + " FROM automation_actions WHERE automation_id = :automationId "
            + "ORDER BY updated_at DESC, id FETCH FIRST :limit ROWS ONLY")
    List<AutomationAction> recentActions(@Bind("automationId") UUID automationId, @Bind("limit") int limit);

    @SqlQuery("SELECT COUNT(*) FROM automation_actions WHERE automation_id = :automationId AND status = :status")
    long countActions(@Bind("automationId") UUID automationId, @Bind("status") String status);
}
