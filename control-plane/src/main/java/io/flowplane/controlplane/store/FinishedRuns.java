package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

/**
 * Finished runs for retention: candidates by age or beyond a per-deployment count, read without
 * locks, and their deletion with everything that hangs off them.
 */
public final class FinishedRuns {
    /** Terminal state types (the state machine's last four). */
    static final String FINISHED = "('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED')";

    private final Jdbi jdbi;

    public FinishedRuns(Store store) {
        this.jdbi = store.jdbi();
    }

    /** Rows one deletion removed, per table (log lines rather than chunks). */
    public record Removed(long runs, long states, long taskRuns, long logLines, long artifacts) {
    }

    /** Up to {@code n} runs that reached their terminal state before {@code cutoff} (epoch ms). */
    public List<UUID> endedBefore(long cutoff, int n) {
        // state_at is when a finished run reached its terminal state; created_at <= state_at
        // bounds the scan by the created_at index.
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM flow_runs WHERE created_at < :cutoff "
                        + "AND state_at < :cutoff AND state_type IN " + FINISHED + " FETCH FIRST :n ROWS ONLY")
                .bind("cutoff", cutoff).bind("n", n).mapTo(UUID.class).list());
    }

    /** Up to {@code n} of a deployment's finished runs beyond its newest {@code keep}. */
    public List<UUID> beyondNewest(UUID deployment, Integer keep, int n) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM flow_runs WHERE deployment_id = :d "
                        + "AND state_type IN " + FINISHED + " ORDER BY created_at DESC, id DESC "
                        + "OFFSET :keep ROWS FETCH NEXT :n ROWS ONLY")
                .bind("d", deployment).bind("keep", keep).bind("n", n)
                .mapTo(UUID.class).list());
    }

    public List<UUID> deploymentIds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM deployments").mapTo(UUID.class).list());
    }

    /**
     * Deletes those of {@code candidates} still finished, in {@code unit}: locks them in id order
     * (as the ledger does) first, so a run retried meanwhile keeps all its rows.
     */
    public static Removed delete(UnitOfWork unit, List<UUID> candidates) {
        Handle h = unit.handle();
        List<UUID> ids = h.createQuery("SELECT id FROM flow_runs WHERE id IN (<ids>) AND state_type IN " + FINISHED
                        + " ORDER BY id FOR UPDATE")
                .bindList("ids", candidates.stream().sorted().toList()).mapTo(UUID.class).list();
        if (ids.isEmpty()) {
            return new Removed(0, 0, 0, 0, 0);
        }
        long lines = h.createQuery("SELECT COALESCE(SUM(line_count), 0) FROM log_chunks WHERE run_id IN (<ids>)")
                .bindList("ids", ids).mapTo(Long.class).one();
        h.createUpdate("DELETE FROM log_chunks WHERE run_id IN (<ids>)").bindList("ids", ids).execute();
        int artifacts = h.createUpdate("DELETE FROM artifacts WHERE run_id IN (<ids>)").bindList("ids", ids).execute();
        int tasks = h.createUpdate("DELETE FROM task_runs WHERE flow_run_id IN (<ids>)").bindList("ids", ids).execute();
        int states = h.createUpdate("DELETE FROM flow_run_states WHERE run_id IN (<ids>)").bindList("ids", ids).execute();
        int runs = h.createUpdate("DELETE FROM flow_runs WHERE id IN (<ids>) AND state_type IN " + FINISHED)
                .bindList("ids", ids).execute();
        return new Removed(runs, states, tasks, lines, artifacts);
    }
}
