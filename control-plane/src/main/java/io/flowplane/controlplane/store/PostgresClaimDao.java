package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.FlowRun;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * PostgreSQL: the selection locks its rows with SKIP LOCKED, so a run a user is cancelling at
 * this moment is passed over instead of waited on; the claim is one UPDATE … RETURNING.
 */
final class PostgresClaimDao implements ClaimDao {

    @Override
    public List<Candidate> dueCandidates(Handle handle, UUID queueId, Instant now,
                                         Collection<UUID> saturatedDeployments, int limit) {
        String exclude = saturatedDeployments.isEmpty() ? ""
                : " AND (deployment_id IS NULL OR deployment_id NOT IN (<saturated>))";
        var query = handle.createQuery("SELECT id, deployment_id FROM flow_runs "
                        + "WHERE queue_id = :queueId AND next_at >= 0 AND next_at <= :now AND state_type = 'SCHEDULED'"
                        + " AND (skip_after IS NULL OR skip_after > :now)" + exclude
                        + " ORDER BY next_at LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("queueId", queueId)
                .bind("now", now)
                .bind("limit", limit);
        if (!saturatedDeployments.isEmpty()) {
            query.bindList("saturated", List.copyOf(saturatedDeployments));
        }
        return query.mapTo(Candidate.class).list();
    }

    @Override
    public List<FlowRun> claim(Handle handle, Collection<UUID> ids, String agentId, Instant now,
                               Instant leaseExpiresAt) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return handle.createQuery("UPDATE flow_runs SET state_type = 'PENDING', state_name = 'Pending', "
                        + "state_message = NULL, state_at = :now, next_at = NULL, skip_after = NULL, agent_id = :agentId, "
                        + "lease_epoch = lease_epoch + 1, lease_expires_at = :expires "
                        + "WHERE state_type = 'SCHEDULED' AND id IN (<ids>) RETURNING " + FlowRunDao.COLUMNS)
                .bind("now", now)
                .bind("agentId", agentId)
                .bind("expires", leaseExpiresAt)
                .bindList("ids", InLists.padded(ids))
                .mapTo(FlowRun.class)
                .list();
    }
}
