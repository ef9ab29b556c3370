package io.flowplane.agent.exec;

import io.flowplane.agent.spool.Spool;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.StateType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes the events a flow process sends to the local relay: checks each is about the process's
 * own run at its lease epoch, drops duplicates of its own numbering, spools the rest and
 * acknowledges what is spooled. Notes when the flow reports its own terminal state.
 */
public final class RelayIntake {

    /** The spool is full and nothing of the batch was taken; the process should retry later. */
    public static final class SpoolFullException extends Exception {
        SpoolFullException(String message) {
            super(message);
        }
    }

    private final Reporter reporter;

    public RelayIntake(Reporter reporter) {
        this.reporter = reporter;
    }

    public EventAck accept(ActiveRun run, EventBatch batch) throws SpoolFullException {
        List<RunEvent> events = new ArrayList<>(batch.getEventsList());
        events.sort(Comparator.comparingLong(RunEvent::getSeq));
        List<Rejection> rejections = new ArrayList<>();
        synchronized (run.relaySources) {
            long high = run.relaySources.getOrDefault(batch.getSourceId(), 0L);
            for (RunEvent e : events) {
                if (e.getSeq() <= high) {
                    continue;
                }
                if (e.getSeq() != high + 1) {
                    break;
                }
                Rejection.Reason reason = check(run, e);
                if (reason != null) {
                    rejections.add(Rejection.newBuilder().setSeq(e.getSeq()).setRunId(e.getRunId()).setReason(reason)
                            .setMessage(reason == Rejection.Reason.STALE_LEASE
                                    ? "this agent no longer holds run " + run.id() + " at epoch " + e.getLeaseEpoch()
                                    : "this process may only report on run " + run.id()).build());
                } else {
                    try {
                        reporter.relayed(run, e);
                    } catch (Spool.FullException full) {
                        if (high == run.relaySources.getOrDefault(batch.getSourceId(), 0L)) {
                            throw new SpoolFullException(full.getMessage());
                        }
                        break;
                    }
                    if (e.hasState() && isTerminal(e.getState().getType())) {
                        run.reportedTerminal = true;
                    }
                }
                high = e.getSeq();
                run.relaySources.put(batch.getSourceId(), high);
            }
            return EventAck.newBuilder().setAckedSeq(high).addAllRejections(rejections).build();
        }
    }

    private static Rejection.Reason check(ActiveRun run, RunEvent e) {
        if (!e.getRunId().equals(run.id())) {
            return Rejection.Reason.INVALID_EVENT;
        }
        if (e.getLeaseEpoch() != run.epoch() || run.fenced || run.closed) {
            return Rejection.Reason.STALE_LEASE;
        }
        return null;
    }

    private static boolean isTerminal(StateType type) {
        return type == StateType.COMPLETED || type == StateType.FAILED || type == StateType.CANCELLED
                || type == StateType.CRASHED;
    }
}
