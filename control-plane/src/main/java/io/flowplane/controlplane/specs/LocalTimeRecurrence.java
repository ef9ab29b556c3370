package io.flowplane.controlplane.specs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
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
        Instant quick = nextAwayFromTransitions(after);
        return quick != null ? quick : nextAcrossTransitions(after);
    }

    /**
     * Away from UTC-offset changes local times map one to one, and in order, to instants, so the
     * answer is the first local time after {@code after}'s: one step of the series instead of the
     * six hours of them the exact search walks (for a one-minute cron, 360 steps per instant,
     * which made materialising an hour of runs cost 20,000 cron evaluations). Null when an offset
     * change is near enough to matter (or the series ended): the exact search decides then.
     */
    private Instant nextAwayFromTransitions(Instant after) {
        ZoneRules rules = zone.getRules();
        LocalDateTime localAfter = LocalDateTime.ofInstant(after, zone);
        Iterator<LocalDateTime> it = localTimesFrom(localAfter);
        while (it.hasNext()) {
            LocalDateTime local = it.next();
            if (!local.isAfter(localAfter)) {
                continue;
            }
            ZoneOffsetTransition change = rules.nextTransition(after.minus(SLACK));
            if (change != null && !change.getInstant().isAfter(local.toInstant(rules.getOffset(after)).plus(SLACK))) {
                return null;
            }
            List<Instant> instants = new ArrayList<>(2);
            instantsOf(local, instants);
            return instants.size() == 1 ? instants.get(0) : null;
        }
        return null;
    }

    /** The exact search: every local time from SLACK before, mapped by the DST rule, the earliest kept. */
    Instant nextAcrossTransitions(Instant after) {
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
