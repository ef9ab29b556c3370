package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;

/** The highest stored sequence per event source. */
public interface EventSourceDao {

    String LOCK = "SELECT acked_seq FROM event_sources WHERE source_id = :source FOR UPDATE";
    String ADVANCE = "UPDATE event_sources SET acked_seq = :seq, updated_at = :at WHERE source_id = :source";

    /**
     * Locks the source's row and reads its highest stored sequence, without attaching the DAO
     * (see {@link FlowRunDao#lockAllOn}).
     */
    static Optional<Long> lockOn(Handle h, String source) {
        return h.createQuery(LOCK).bind("source", source).mapTo(Long.class).findOne();
    }

    /** Records a new highest stored sequence, without attaching the DAO. */
    static void advanceOn(Handle h, String source, long seq, Instant at) {
        h.createUpdate(ADVANCE).bind("source", source).bind("seq", seq).bind("at", at).execute();
    }

    @SqlQuery("SELECT acked_seq FROM event_sources WHERE source_id = :source")
    Optional<Long> find(@Bind("source") String source);

    @SqlUpdate("INSERT INTO event_sources (source_id, acked_seq, updated_at) VALUES (:source, 0, :at)")
    void insert(@Bind("source") String source, @Bind("at") Instant at);
}
