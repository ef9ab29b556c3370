package io.flowplane.controlplane.ledger;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.RetryPolicy;
import io.flowplane.controlplane.state.RunStateMachine;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure part of a transition: given a run and a requested change, the run after it and the
 * history entries to append. Applies the server-side retry rule. Writes nothing.
 */
public final class RunTransitions {

    /** The run after a change, and the history records the change produced (one or two). */
    public record Outcome(FlowRun run, List<RunStateRecord> records) {
        public boolean scheduledRetry() {
            return records.size() > 1;
        }
    }

    private RunTransitions() {
    }

    /** @throws io.flowplane.controlplane.state.IllegalTransitionException if the table forbids it */
    public static Outcome apply(FlowRun run, StateChange change, RetryPolicy retries, Instant now) {
        RunStateMachine.check(run.state().type(), change.type(), change.actor());
        StateName name = StateName.resolve(change.type(), change.name());
        List<RunStateRecord> records = new ArrayList<>(2);
        FlowRun next = enter(run, change.type(), name, change.message(), now);
        if (change.type() == StateType.SCHEDULED) {
            next = rescheduled(run, next, now);
        }
        if (change.actor() == Actor.SERVER && run.state().type().isActive()) {
            // The server took the run from its holder (lease expired, cancellation forced): fence
            // the holder out, so any late report of it is refused as stale.
            next = next.toBuilder().leaseEpoch(run.lease().epoch() + 1).build();
        }
        records.add(record(next, change.actor(), change.idempotencyKey(), now));
        if (retries.retries(change.type(), run.attempt())) {
            Duration delay = retries.delayAfter(run.attempt());
            String message = "retry " + run.attempt() + " of " + retries.maxRetries() + " after " + delay.toMillis() + " ms";
            RunStateMachine.check(change.type(), StateType.SCHEDULED, Actor.SERVER);
            next = enter(next, StateType.SCHEDULED, StateName.AWAITING_RETRY, message, now).toBuilder()
                    .attempt(run.attempt() + 1)
                    .nextAt(now.plus(delay))
                    .agentId(null)
                    .endedAt(null)
                    .build();
            records.add(record(next, Actor.SERVER, null, now));
        }
        return new Outcome(next, List.copyOf(records));
    }

    private static FlowRun enter(FlowRun run, StateType type, StateName name, String message, Instant now) {
        FlowRun.Builder b = run.toBuilder().state(type, name.label(), message, now).nextAt(null);
        if (type == StateType.RUNNING && run.times().startedAt() == null) {
            b.startedAt(now);
        }
        if (type.isTerminal()) {
            // A finished run holds no lease: the reaper and heartbeats leave it alone.
            b.endedAt(now).leaseExpiresAt(null);
        }
        return b.build();
    }

    /** Back to SCHEDULED: a handed-back claim keeps its attempt; a manual retry starts a new one. */
    private static FlowRun rescheduled(FlowRun before, FlowRun next, Instant now) {
        FlowRun.Builder b = next.toBuilder().nextAt(now).leaseExpiresAt(null).agentId(null).endedAt(null);
        if (before.state().type().isTerminal()) {
            b.attempt(before.attempt() + 1);
        }
        return b.build();
    }

    private static RunStateRecord record(FlowRun run, Actor actor, String idempotencyKey, Instant now) {
        return new RunStateRecord(null, run.id(), run.state().type(), run.state().name(), run.state().message(), actor,
                run.attempt(), now, idempotencyKey, ActorKeys.of(actor));
    }
}
