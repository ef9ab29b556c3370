package io.flowplane.controlplane.dispatch;

import io.flowplane.controlplane.common.NotFoundException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the {@link Dispatcher} needs from the store: its wake-up logic (lanes, passes, timers,
 * answers) then depends on nothing that needs a database, and is tested with a manual clock and
 * executor. {@link ClaimService} is the real one.
 */
public interface ClaimSource {

    /** @throws NotFoundException if no pool has that name */
    UUID poolId(String pool);

    /** Whether any queue of the pool has a due run now (a read that locks nothing). */
    boolean anyDue(UUID poolId);

    /**
     * Claims for the requests in one transaction, earlier requests first.
     *
     * @throws NotFoundException if the pool does not exist
     */
    ClaimService.Batch claimAll(String pool, List<ClaimService.ClaimRequest> requests);

    /** The earliest instant after {@code now} at which a run of the pool becomes due, if any. */
    Optional<Instant> nextDue(UUID poolId, Instant now);
}
