package io.flowplane.controlplane.schedules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A series defined in local wall-clock time (cron, RRULE, day-or-longer intervals), turned into
 * instants by a DST rule of the subclass. Local order and instant order differ only inside a
 * fall-back overlap, so the search starts a little before the local time of {@code after} and
 * stops once local times are further ahead than any UTC-offset change could reorder.
 */
abstract class LocalTimeRecurrence implements Recurrence {
    /** More than any UTC-offset change in the tz database (2 h double summer time, rounded up). */
    static final Duration SLACK = Duration.ofHours(3);

    protected final ZoneId zone;

    LocalTimeRecurrence(ZoneId zone) {
        this.zone = zone;
    }

    /** The series' local times at or after {@code from}, ascending. */
    abstract Iterator<LocalDateTime> localTimesFrom(LocalDateTime from);

    /** The instants one local time of the series fires at: none, one, or (real-time cron) two. */
    abstract void instantsOf(LocalDateTime local, List<Instant> out);

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public Instant next(Instant after) {
        Iterator<LocalDateTime> it = localTimesFrom(LocalDateTime.ofInstant(after, zone).minus(SLACK));
        Instant best = null;
        LocalDateTime bestLocal = null;
        List<Instant> instants = new ArrayList<>(2);
        while (it.hasNext()) {
            LocalDateTime local = it.next();
            if (bestLocal != null && local.isAfter(bestLocal.plus(SLACK))) {
                break;
            }
            instants.clear();
            instantsOf(local, instants);
            for (Instant i : instants) {
                if (i.isAfter(after) && (best == null || i.isBefore(best))) {
                    best = i;
                    bestLocal = local;
                }
            }
        }
        return best;
    }
}
