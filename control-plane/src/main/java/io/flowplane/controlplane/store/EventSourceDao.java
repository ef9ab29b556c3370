package io.flowplane.controlplane.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;

/** The highest stored sequence per event source. */
public interface EventSourceDao {

    @SqlQuery("SELECT acked_seq FROM event_sources WHERE source_id = :source FOR UPDATE")
    Optional<Long> lock(@Bind("source") String source);

    @SqlQuery("SELECT acked_seq FROM event_sources WHERE source_id = :source")
    Optional<Long> find(@Bind("source") String source);

    @SqlUpdate("INSERT INTO event_sources (source_id, acked_seq, updated_at) VALUES (:source, 0, :at)")
    void insert(@Bind("source") String source, @Bind("at") Instant at);

    @SqlUpdate("UPDATE event_sources SET acked_seq = :seq, updated_at = :at WHERE source_id = :source")
    void advance(@Bind("source") String source, @Bind("seq") long seq, @Bind("at") Instant at);
}
