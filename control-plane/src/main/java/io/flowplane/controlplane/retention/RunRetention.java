package io.flowplane.controlplane.retention;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.store.Store;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Deletes finished runs and everything that hangs off them, by age and/or by count per
 * deployment. Candidates are read without locks; each batch then locks its runs (in id order,
 * as the ledger does) and deletes only those still in a terminal state, so a run a user retried
 * meanwhile stays with all its rows.
 */
public final class RunRetention {
    /** Terminal state types (the state machine's last four). */
    static final String FINISHED = "('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED')";

    private final Store store;
    private final Clock clock;
    private final RetentionSettings settings;
    private final Meter runs;
    private final Meter states;
    private final Meter taskRuns;
    private final Meter logLines;
    private final Meter artifacts;

    /** What one pass deleted. */
    public record Deleted(long runs, long states, long taskRuns, long logLines, long artifacts) {
        Deleted plus(Deleted o) {
            return new Deleted(runs + o.runs, states + o.states, taskRuns + o.taskRuns, logLines + o.logLines,
                    artifacts + o.artifacts);
        }
    }

    private static final Deleted NOTHING = new Deleted(0, 0, 0, 0, 0);

    public RunRetention(Store store, Clock clock, RetentionSettings settings, MetricRegistry metrics) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.runs = metrics.meter("flowplane.retention.runs-deleted");
        this.states = metrics.meter("flowplane.retention.states-deleted");
        this.taskRuns = metrics.meter("flowplane.retention.task-runs-deleted");
        this.logLines = metrics.meter("flowplane.retention.log-lines-deleted");
        this.artifacts = metrics.meter("flowplane.retention.artifacts-deleted");
    }

    /** "Tick now": one full pass over both limits. */
    public Deleted tick() {
        Deleted total = NOTHING;
        if (settings.maxAge != null) {
            long cutoff = clock.instant().minus(settings.maxAge.toJavaDuration()).toEpochMilli();
            // state_at is when a finished run reached its terminal state; created_at <= state_at
            // bounds the scan by the created_at index.
            total = total.plus(drain(h -> h.createQuery("SELECT id FROM flow_runs WHERE created_at < :cutoff "
                            + "AND state_at < :cutoff AND state_type IN " + FINISHED + " FETCH FIRST :n ROWS ONLY")
                    .bind("cutoff", cutoff).bind("n", settings.batchSize).mapTo(UUID.class).list()));
        }
        if (settings.keepPerDeployment != null) {
            List<UUID> deployments = store.jdbi().withHandle(h -> h.createQuery("SELECT id FROM deployments")
                    .mapTo(UUID.class).list());
            for (UUID deployment : deployments) {
                total = total.plus(drain(h -> h.createQuery("SELECT id FROM flow_runs WHERE deployment_id = :d "
                                + "AND state_type IN " + FINISHED + " ORDER BY created_at DESC, id DESC "
                                + "OFFSET :keep ROWS FETCH NEXT :n ROWS ONLY")
                        .bind("d", deployment).bind("keep", settings.keepPerDeployment).bind("n", settings.batchSize)
                        .mapTo(UUID.class).list()));
            }
        }
        return total;
    }

    /** Deletes batch after batch of what {@code candidates} finds, until a batch deletes nothing. */
    private Deleted drain(Function<Handle, List<UUID>> candidates) {
        Deleted total = NOTHING;
        while (true) {
            List<UUID> ids = store.jdbi().withHandle(candidates::apply);
            if (ids.isEmpty()) {
                return total;
            }
            Deleted batch = store.jdbi().inTransaction(h -> deleteFinished(h, ids));
            record(batch);
            total = total.plus(batch);
            if (batch.runs() == 0) {
                return total;
            }
        }
    }

    private static Deleted deleteFinished(Handle h, List<UUID> candidates) {
        List<UUID> ids = h.createQuery("SELECT id FROM flow_runs WHERE id IN (<ids>) AND state_type IN " + FINISHED
                        + " ORDER BY id FOR UPDATE")
                .bindList("ids", candidates.stream().sorted().toList()).mapTo(UUID.class).list();
        if (ids.isEmpty()) {
            return NOTHING;
        }
        long lines = h.createQuery("SELECT COALESCE(SUM(line_count), 0) FROM log_chunks WHERE run_id IN (<ids>)")
                .bindList("ids", ids).mapTo(Long.class).one();
        h.createUpdate("DELETE FROM log_chunks WHERE run_id IN (<ids>)").bindList("ids", ids).execute();
        int artifacts = h.createUpdate("DELETE FROM artifacts WHERE run_id IN (<ids>)").bindList("ids", ids).execute();
        int tasks = h.createUpdate("DELETE FROM task_runs WHERE flow_run_id IN (<ids>)").bindList("ids", ids).execute();
        int states = h.createUpdate("DELETE FROM flow_run_states WHERE run_id IN (<ids>)").bindList("ids", ids).execute();
        int runs = h.createUpdate("DELETE FROM flow_runs WHERE id IN (<ids>) AND state_type IN " + FINISHED)
                .bindList("ids", ids).execute();
        return new Deleted(runs, states, tasks, lines, artifacts);
    }

    private void record(Deleted d) {
        runs.mark(d.runs());
        states.mark(d.states());
        taskRuns.mark(d.taskRuns());
        logLines.mark(d.logLines());
        artifacts.mark(d.artifacts());
    }

    /** How often the application runs a pass. */
    public Duration interval() {
        return settings.interval.toJavaDuration();
    }
}
