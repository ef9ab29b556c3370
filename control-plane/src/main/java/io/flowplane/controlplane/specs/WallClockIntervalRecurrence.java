package io.flowplane.controlplane.specs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;

/**
 * An interval of a day or more: steps of local wall-clock time from the anchor, so a daily job at
 * 02:30 stays at 02:30 across DST. Local times map to instants by RFC 5545 §3.3.5, like RRULE.
 */
final class WallClockIntervalRecurrence extends LocalTimeRecurrence {
    private final LocalDateTime anchor;
    private final long periodSeconds;

    WallClockIntervalRecurrence(LocalDateTime anchor, long periodSeconds, ZoneId zone) {
        super(zone);
        this.anchor = anchor;
        this.periodSeconds = periodSeconds;
    }

    @Override
    Iterator<LocalDateTime> localTimesFrom(LocalDateTime from) {
        long offset = Duration.between(anchor, from).getSeconds();
        long first = Math.floorDiv(offset + periodSeconds - 1, periodSeconds);
        return new Iterator<>() {
            private long k = first;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LocalDateTime next() {
                return anchor.plusSeconds(periodSeconds * k++);
            }
        };
    }

    @Override
    void instantsOf(LocalDateTime local, List<Instant> out) {
        out.add(Rfc5545.toInstant(local, zone));
    }
}
