package io.flowplane.controlplane.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The version of a deployment's code each attempt of a run ran (reported by its agent). */
public interface CodeVersionDao {

    /** Replaces what the attempt had: an agent that replays its RUNNING event reports the same version. */
    default void record(UUID runId, int attempt, String version, Instant at) {
        forget(runId, attempt);
        insert(runId, attempt, version, at);
    }

    @SqlUpdate("DELETE FROM run_code_versions WHERE run_id = :runId AND attempt = :attempt")
    void forget(@Bind("runId") UUID runId, @Bind("attempt") int attempt);

    @SqlUpdate("INSERT INTO run_code_versions (run_id, attempt, code_version, recorded_at) "
            + "VALUES (:runId, :attempt, :version, :at)")
    void insert(@Bind("runId") UUID runId, @Bind("attempt") int attempt, @Bind("version") String version,
                @Bind("at") Instant at);

    /** The version the run's latest reported attempt ran. */
    @SqlQuery("SELECT code_version FROM run_code_versions WHERE run_id = :runId ORDER BY attempt DESC "
            + "FETCH FIRST 1 ROWS ONLY")
    Optional<String> latest(@Bind("runId") UUID runId);
}
