package io.flowplane.controlplane.retention;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.store.FinishedRuns;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Deletes finished runs and everything that hangs off them, by age and/or by count per
 * deployment. Candidates are read without locks; each batch then locks its runs (in id order,
 * as the ledger does) and deletes only those still in a terminal state, so a run a user retried
 * meanwhile stays with all its rows.
 */
public final class RunRetention {
    private final Store store;
    private final FinishedRuns rows;
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
        this.rows = new FinishedRuns(store);
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
            total = total.plus(drain(() -> rows.endedBefore(cutoff, settings.batchSize)));
        }
        if (settings.keepPerDeployment != null) {
            List<UUID> deployments = rows.deploymentIds();
            for (UUID deployment : deployments) {
                total = total.plus(drain(() -> rows.beyondNewest(deployment, settings.keepPerDeployment,
                        settings.batchSize)));
            }
        }
        return total;
    }

    /** Deletes batch after batch of what {@code candidates} finds, until a batch deletes nothing. */
    private Deleted drain(Supplier<List<UUID>> candidates) {
        Deleted total = NOTHING;
        while (true) {
            List<UUID> ids = candidates.get();
            if (ids.isEmpty()) {
                return total;
            }
            FinishedRuns.Removed removed = store.inTransaction(unit -> FinishedRuns.delete(unit, ids));
            Deleted batch = new Deleted(removed.runs(), removed.states(), removed.taskRuns(), removed.logLines(),
                    removed.artifacts());
            record(batch);
            total = total.plus(batch);
            if (batch.runs() == 0) {
                return total;
            }
        }
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
