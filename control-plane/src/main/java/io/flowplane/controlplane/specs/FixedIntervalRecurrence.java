package io.flowplane.controlplane.specs;

import java.time.Instant;
import java.time.ZoneId;

/** An interval shorter than a day: a fixed duration in real time, phased by the anchor instant. */
final class FixedIntervalRecurrence implements Recurrence {
    private final Instant anchor;
    private final long periodMillis;
    private final ZoneId zone;

    FixedIntervalRecurrence(Instant anchor, long periodMillis, ZoneId zone) {
        this.anchor = anchor;
        this.periodMillis = periodMillis;
        this.zone = zone;
    }

    @Override
    public Instant next(Instant after) {
        long k = Math.floorDiv(after.toEpochMilli() - anchor.toEpochMilli(), periodMillis) + 1;
        return anchor.plusMillis(k * periodMillis);
    }

    @Override
    public ZoneId zone() {
        return zone;
    }
}
