package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.EventEntry;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading a store whose run state events are rows of {@code events} (before V16) to state
 * events read from the history: every event is read exactly once, old ones first, in one id
 * order, with the same type, resource and payload as before; retention passes old state events.
 */
class RunStateEventsMigrationTest {
    private static final Instant AT = Instant.parse("2026-02-01T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void h2() throws Exception {
        UpgradeDatabases.onH2(dir, this::upgradeReadsEveryEventOnce);
    }

    @Test
    void postgres() throws Exception {
        UpgradeDatabases.onPostgres("flowplane_event_upgrade", this::upgradeReadsEveryEventOnce);
    }

    private void upgradeReadsEveryEventOnce(DataSource ds, Dialect dialect) {
        UpgradeDatabases.migrateTo(ds, dialect, "15");
        UUID run = UUID.randomUUID();
        Jdbi jdbi = Jdbi.create(ds);
        jdbi.useHandle(h -> {
            insertRun(h, run);
            // Before V16 a state change wrote a history row and an event row.
            state(h, run, "SCHEDULED", "Scheduled", 0);
            h.execute("INSERT INTO events (occurred_at, type, resource_kind, resource_id, resource_name, run_id, "
                    + "flow_name, tags, payload) VALUES (?, 'flow-run.scheduled', 'flow-run', ?, 'old-run', ?, "
                    + "'etl', '[\"prod\"]', '{\"state\":{\"type\":\"SCHEDULED\",\"name\":\"Scheduled\"}}')",
                    AT.toEpochMilli(), run.toString(), run);
            h.execute("INSERT INTO events (occurred_at, type, resource_kind, resource_id, tags, payload) "
                    + "VALUES (?, 'agent.online', 'agent', 'a1', '[]', '{}')", AT.toEpochMilli());
        });

        Store store = Store.open(ds, dialect);
        jdbi.useHandle(h -> {
            state(h, run, "PENDING", "Pending", 1000);
            h.execute("INSERT INTO events (occurred_at, type, resource_kind, resource_id, tags, payload) "
                    + "VALUES (?, 'agent.offline', 'agent', 'a1', '[]', '{}')", AT.toEpochMilli() + 2000);
            state(h, run, "COMPLETED", "Completed", 3000);
        });

        List<EventEntry> all = store.events(filter(Set.of(), 0, 100));
        assertThat(all).extracting(EventEntry::type).containsExactly("flow-run.scheduled", "agent.online",
                "flow-run.pending", "agent.offline", "flow-run.completed");
        assertThat(all).extracting(EventEntry::id).isSorted().doesNotHaveDuplicates();
        EventEntry completed = all.get(4);
        assertThat(completed.resourceKind()).isEqualTo("flow-run");
        assertThat(completed.resourceId()).isEqualTo(run.toString());
        assertThat(completed.resourceName()).isEqualTo("old-run");
        assertThat(completed.flowName()).isEqualTo("etl");
        assertThat(completed.tags()).isEqualTo("[\"prod\"]");
        assertThat(completed.payload())
                .isEqualTo("{\"state\":{\"type\":\"COMPLETED\",\"name\":\"Completed\"},\"attempt\":1,\"actor\":\"AGENT\"}");

        // Pages cut across both sources keep the order; type and resource filters apply to both.
        List<EventEntry> second = store.events(filter(Set.of(), all.get(1).id(), 2));
        assertThat(second).extracting(EventEntry::type).containsExactly("flow-run.pending", "agent.offline");
        assertThat(store.events(new EventQueries.Filter(Set.of(), Set.of("flow-run."), run.toString(), "prod", null,
                null, 0, 100))).extracting(EventEntry::type)
                .containsExactly("flow-run.scheduled", "flow-run.pending", "flow-run.completed");
        assertThat(store.events(filter(Set.of("flow-run.completed"), 0, 100))).hasSize(1);
        long maxId = store.jdbi().withHandle(EventQueries::maxId);
        assertThat(maxId).isEqualTo(completed.id());
        Optional<EventEntry> found = store.jdbi().withHandle(h -> EventQueries.find(h, completed.id()));
        assertThat(found).contains(completed);
        List<EventEntry> window = store.jdbi().withHandle(h -> EventQueries.ofTypesSince(h,
                Set.of("flow-run.completed", "agent.offline"), AT, completed.id()));
        assertThat(window).extracting(EventEntry::type).containsExactly("agent.offline", "flow-run.completed");

        // Retention: state events older than the cutoff leave the log, the history stays.
        Instant cutoff = AT.plusMillis(2500);
        int passed = store.jdbi().inTransaction(h -> EventQueries.passRunStatesBefore(h, cutoff, 1000));
        int deleted = store.jdbi().inTransaction(h -> EventQueries.deleteBefore(h, cutoff, 1000));
        assertThat(passed).isEqualTo(1);
        assertThat(deleted).isEqualTo(3);
        assertThat(store.events(filter(Set.of(), 0, 100))).extracting(EventEntry::type)
                .containsExactly("flow-run.completed");
        int history = store.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM flow_run_states WHERE run_id = :r")
                .bind("r", run).mapTo(Integer.class).one());
        assertThat(history).isEqualTo(3);
    }

    private static EventQueries.Filter filter(Set<String> types, long after, int limit) {
        return new EventQueries.Filter(types, Set.of(), null, null, null, null, after, limit);
    }

    private static void insertRun(Handle h, UUID run) {
        h.execute("INSERT INTO flow_runs (id, name, flow_name, parameters, tags, state_type, state_name, state_at, "
                + "scheduled_at, attempt, max_retries, retry_delays, lease_epoch, log_count, created_at) "
                + "VALUES (?, 'old-run', 'etl', '{}', '[\"prod\"]', 'SCHEDULED', 'Scheduled', ?, ?, 1, 0, '[]', 0, "
                + "0, ?)", run, AT.toEpochMilli(), AT.toEpochMilli(), AT.toEpochMilli());
    }

    private static void state(Handle h, UUID run, String type, String name, long offsetMs) {
        h.execute("INSERT INTO flow_run_states (run_id, state_type, state_name, actor, attempt, at) "
                + "VALUES (?, ?, ?, 'AGENT', 1, ?)", run, type, name, AT.toEpochMilli() + offsetMs);
    }
}
