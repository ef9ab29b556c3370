package io.flowplane.controlplane.retention;

import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.testing.Fixtures;
import io.flowplane.controlplane.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention on each database: finished runs past the age limit, and beyond the newest N of a
 * deployment, go with their states, task runs, log lines and artifacts, in small batches;
 * unfinished runs (however old) and the kept runs keep every row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RetentionContractTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    protected record Database(DataSource dataSource, Dialect dialect) {
    }

    protected abstract Database openDatabase() throws Exception;

    protected abstract void closeDatabase() throws Exception;

    private Store store;

    @BeforeAll
    void open() throws Exception {
        Database db = openDatabase();
        store = Store.open(db.dataSource(), db.dialect());
    }

    @AfterAll
    void close() throws Exception {
        closeDatabase();
    }

    @Test
    void deletesOldAndSurplusFinishedRunsWithEverythingHangingOffThem() {
        MutableClock clock = new MutableClock(NOW);
        Fixtures fixtures = new Fixtures(store, clock);
        var a = fixtures.pool();
        Deployment old = fixtures.deployment(a.queue(), null);
        Deployment busy = fixtures.deployment(a.queue(), null);
        List<FlowRun> oldRuns = fixtures.scheduledRuns(a.queue(), old, 6, NOW);
        List<FlowRun> busyRuns = fixtures.scheduledRuns(a.queue(), busy, 6, NOW);

        Instant tenDaysAgo = NOW.minus(Duration.ofDays(10));
        List<UUID> expectGone = new ArrayList<>();
        String[] finished = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"};
        for (int i = 0; i < 4; i++) {
            set(oldRuns.get(i), finished[i], tenDaysAgo, tenDaysAgo.plusSeconds(i));
            expectGone.add(oldRuns.get(i).id());
        }
        // Old but not finished: never touched, however old.
        set(oldRuns.get(4), "RUNNING", tenDaysAgo, tenDaysAgo);
        set(oldRuns.get(5), "SCHEDULED", tenDaysAgo, tenDaysAgo);
        // Recent: five finished (created a minute apart), one pending; the newest two finished stay.
        for (int i = 0; i < 5; i++) {
            Instant created = NOW.minus(Duration.ofHours(5)).plus(Duration.ofMinutes(i));
            set(busyRuns.get(i), "COMPLETED", created, created.plusSeconds(30));
            if (i < 3) {
                expectGone.add(busyRuns.get(i).id());
            }
        }
        set(busyRuns.get(5), "PENDING", NOW.minus(Duration.ofHours(6)), NOW.minus(Duration.ofHours(6)));
        List<UUID> all = new ArrayList<>();
        oldRuns.forEach(r -> all.add(r.id()));
        busyRuns.forEach(r -> all.add(r.id()));
        all.forEach(this::children);
        List<UUID> expectKept = all.stream().filter(id -> !expectGone.contains(id)).toList();

        RetentionSettings settings = new RetentionSettings();
        settings.maxAge = io.dropwizard.util.Duration.days(7);
        settings.keepPerDeployment = 2;
        settings.batchSize = 2;
        MetricRegistry metrics = new MetricRegistry();
        RunRetention retention = new RunRetention(store, clock, settings, metrics);

        RunRetention.Deleted deleted = retention.tick();

        assertThat(deleted).isEqualTo(new RunRetention.Deleted(7, 14, 7, 21, 7));
        assertThat(existing(all)).containsExactlyInAnyOrderElementsOf(expectKept);
        for (UUID id : expectGone) {
            assertThat(rowsOf(id)).as("rows of deleted run %s", id).isEqualTo(List.of(0, 0, 0, 0));
        }
        for (UUID id : expectKept) {
            assertThat(rowsOf(id)).as("rows of kept run %s", id).isEqualTo(List.of(2, 1, 1, 1));
        }
        assertThat(metrics.meter("flowplane.retention.runs-deleted").getCount()).isEqualTo(7);
        assertThat(metrics.meter("flowplane.retention.log-lines-deleted").getCount()).isEqualTo(21);
        assertThat(retention.tick()).isEqualTo(new RunRetention.Deleted(0, 0, 0, 0, 0));
    }

    private void set(FlowRun run, String type, Instant created, Instant stateAt) {
        boolean terminal = Set.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED").contains(type);
        store.jdbi().useHandle(h -> h.createUpdate("UPDATE flow_runs SET state_type = :type, state_name = :type, "
                        + "created_at = :created, state_at = :at, ended_at = :ended, next_at = :next, "
                        + "lease_expires_at = :lease WHERE id = :id")
                .bind("type", type)
                .bind("created", created.toEpochMilli())
                .bind("at", stateAt.toEpochMilli())
                .bind("ended", terminal ? (Long) stateAt.toEpochMilli() : null)
                .bind("next", type.equals("SCHEDULED") ? (Long) stateAt.toEpochMilli() : null)
                .bind("lease", type.equals("RUNNING") || type.equals("PENDING") ? (Long) NOW.plusSeconds(30).toEpochMilli() : null)
                .bind("id", run.id())
                .execute());
    }

    /** Two states, a task run, an artifact and a chunk of three log lines. */
    private void children(UUID run) {
        long at = NOW.toEpochMilli();
        store.jdbi().useHandle(h -> {
            for (int i = 0; i < 2; i++) {
                h.createUpdate("INSERT INTO flow_run_states (run_id, state_type, state_name, actor, attempt, at) "
                        + "VALUES (:run, 'SCHEDULED', 'Scheduled', 'SERVER', 1, :at)").bind("run", run).bind("at", at).execute();
            }
            h.createUpdate("INSERT INTO task_runs (id, flow_run_id, task_key, name, state_type, state_name, attempt, tags, "
                    + "created_at, updated_at) VALUES (:id, :run, 'k', 'n', 'COMPLETED', 'Completed', 1, '[]', :at, :at)")
                    .bind("id", UUID.randomUUID()).bind("run", run).bind("at", at).execute();
            h.createUpdate("INSERT INTO artifacts (id, run_id, type, data, created_at) VALUES (:id, :run, 'markdown', 'x', :at)")
                    .bind("id", UUID.randomUUID()).bind("run", run).bind("at", at).execute();
            h.createUpdate("INSERT INTO log_chunks (run_id, first_seq, line_count, stored_at, lines) "
                    + "VALUES (:run, 1, 3, :at, :lines)").bind("run", run).bind("at", at)
                    .bind("lines", new byte[] {0}).execute();
        });
    }

    private List<UUID> existing(List<UUID> ids) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT id FROM flow_runs WHERE id IN (<ids>)")
                .bindList("ids", ids).mapTo(UUID.class).list());
    }

    /** States, task runs, artifacts, log chunks of a run. */
    private List<Integer> rowsOf(UUID run) {
        return store.jdbi().withHandle(h -> List.of(
                count(h, "SELECT COUNT(*) FROM flow_run_states WHERE run_id = :run", run),
                count(h, "SELECT COUNT(*) FROM task_runs WHERE flow_run_id = :run", run),
                count(h, "SELECT COUNT(*) FROM artifacts WHERE run_id = :run", run),
                count(h, "SELECT COUNT(*) FROM log_chunks WHERE run_id = :run", run)));
    }

    private static int count(org.jdbi.v3.core.Handle h, String sql, UUID run) {
        return h.createQuery(sql).bind("run", run).mapTo(Integer.class).one();
    }
}
