package io.flowplane.controlplane.runs;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Ends runs whose agent went silent: a run whose lease expired becomes CRASHED (then the retry
 * rule applies) and frees its slot; a run stuck in CANCELLING past a bound becomes CANCELLED. It
 * decides; the ledger finds expired leases and writes the change. Leases count from this reaper's
 * start at the earliest: while the control plane was down no agent could renew, so a restarted
 * control plane gives every lease one full duration to be renewed (agents stop their own runs by
 * then if they cannot reach it; see agent/README.md).
 */
public final class Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    private final RunLedger ledger;
    private final Clock clock;
    private final Duration cancellingBound;
    private final Meter crashed;
    /** Before this instant no lease is expired: a full lease duration after this control plane started. */
    private final Instant leasesCountFrom;

    public Reaper(RunLedger ledger, Clock clock, Duration cancellingBound, Duration leaseDuration,
                  MetricRegistry metrics) {
        this.ledger = ledger;
        this.clock = clock;
        this.cancellingBound = cancellingBound;
        this.crashed = metrics.meter("flowplane.runs.crashed");
        this.leasesCountFrom = clock.instant().plus(leaseDuration);
    }

    /** "Tick now": one pass. Returns how many runs it ended. */
    public int tick() {
        Instant now = clock.instant();
        List<UUID> expired = now.isBefore(leasesCountFrom) ? List.of() : ledger.leases().expired(now);
        List<UUID> stuck = ledger.leases().cancellingSince(now.minus(cancellingBound));
        int ended = 0;
        for (UUID id : expired) {
            ended += end(id, run -> expiredLease(run, clock.instant()));
        }
        for (UUID id : stuck) {
            ended += end(id, run -> run.state().type() == StateType.CANCELLING
                    && !run.state().at().isAfter(clock.instant().minus(cancellingBound))
                    ? new StateChange(StateType.CANCELLED, null,
                    "forced: the agent did not confirm the cancellation within " + cancellingBound.toSeconds() + " s",
                    Actor.SERVER, null)
                    : null);
        }
        return ended;
    }

    private StateChange expiredLease(FlowRun run, Instant now) {
        if (!run.state().type().isActive() || run.lease().expiresAt() == null || !run.lease().expiresAt().isBefore(now)) {
            return null;
        }
        if (run.state().type() == StateType.CANCELLING) {
            return new StateChange(StateType.CANCELLED, null,
                    "agent " + run.lease().agentId() + " was lost while cancelling",
                    Actor.SERVER, null);
        }
        return new StateChange(StateType.CRASHED, null, "lease expired: agent " + run.lease().agentId()
                + " stopped heartbeating", Actor.SERVER, null);
    }

    private int end(UUID id, java.util.function.Function<FlowRun, StateChange> decide) {
        try {
            RunLedger.Outcome outcome = ledger.apply(id, decide);
            FlowRun after = outcome.after();
            if (outcome.before().state().type() != after.state().type()) {
                if (after.state().type() == StateType.CRASHED || StateName.AWAITING_RETRY.label().equals(after.state().name())) {
                    crashed.mark();
                }
                return 1;
            }
        } catch (RuntimeException e) {
            LOG.warn("reaper could not end run {}", id, e);
        }
        return 0;
    }
}
