package io.flowplane.controlplane.events;

import java.util.List;
import java.util.UUID;

/** The highest sequence stored for a source, and the events stored as seen but not applied. */
public record EventAck(long ackedSeq, List<Rejection> rejections) {

    public enum Reason { STALE_LEASE, INVALID_TRANSITION, UNKNOWN_RUN, INVALID_EVENT }

    public record Rejection(long seq, UUID runId, Reason reason, String message) {
    }
}
