package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.FlowRun;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The claim statements, one implementation per database. Callers hold the pool's row lock, so
 * limits are computed without races; the statements still guard on state so that a run cancelled
 * between selection and claim is never claimed, and a run is never claimed twice.
 */
public interface ClaimDao {

    /** A due run and its deployment (for deployment concurrency limits). */
    record Candidate(UUID id, UUID deploymentId) {
    }

    /**
     * Due runs of one queue in claim order (earliest due first), excluding the given saturated
     * deployments, at most {@code limit}.
     */
    List<Candidate> dueCandidates(Handle handle, UUID queueId, Instant now, Collection<UUID> saturatedDeployments,
                                  int limit);

    /**
     * Moves the given runs SCHEDULED → PENDING for {@code agentId} in one statement: increments
     * each lease epoch and sets the lease expiry. Returns only the runs it moved.
     */
    List<FlowRun> claim(Handle handle, Collection<UUID> ids, String agentId, Instant now, Instant leaseExpiresAt);
}
