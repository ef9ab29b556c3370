package io.flowplane.controlplane.specs;

import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRule.Part;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * An upper bound of the candidates lib-recur steps through to expand a rule from its DTSTART to
 * {@link #HORIZON}. Its iterator walks every candidate from DTSTART (there is no arithmetic
 * jump), so {@code FREQ=SECONDLY} from year 1 is tens of billions of steps: a validation or a
 * scheduler pass that expands it never returns. Rules above {@link #MAX_STEPS} are refused when
 * the schedule is checked.
 */
final class RruleCost {
    /** About half a second of lib-recur's stepping on this kind of machine. */
    static final long MAX_STEPS = 50_000_000L;
    static final LocalDateTime HORIZON = LocalDateTime.of(2100, 1, 1, 0, 0);

    private RruleCost() {
    }

    static long steps(RecurrenceRule rule, LocalDateTime dtstart) {
        long span = Math.max(0, Duration.between(dtstart, end(rule)).toSeconds());
        double periods = Math.ceil(span / (double) (periodSeconds(rule.getFreq()) * Math.max(1, rule.getInterval())));
        double steps = periods * expansion(rule);
        if (rule.getCount() != null) {
            // The series ends after COUNT instances (each period holds at least one candidate).
            steps = Math.min(steps, (double) rule.getCount() * expansion(rule));
        }
        return steps >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) steps;
    }

    /** Where expanding stops: a day after UNTIL (which may be in UTC: any offset), or the horizon. */
    private static LocalDateTime end(RecurrenceRule rule) {
        org.dmfs.rfc5545.DateTime until = rule.getUntil();
        if (until == null) {
            return HORIZON;
        }
        LocalDateTime u = until.isAllDay()
                ? LocalDateTime.of(until.getYear(), until.getMonth() + 1, until.getDayOfMonth(), 0, 0)
                : LocalDateTime.of(until.getYear(), until.getMonth() + 1, until.getDayOfMonth(), until.getHours(),
                until.getMinutes(), until.getSeconds());
        return u.plusDays(1).isBefore(HORIZON) ? u.plusDays(1) : HORIZON;
    }

    private static long periodSeconds(Freq freq) {
        return switch (freq) {
            case SECONDLY -> 1;
            case MINUTELY -> 60;
            case HOURLY -> 3_600;
            case DAILY -> 86_400;
            case WEEKLY -> 7 * 86_400;
            case MONTHLY -> 28 * 86_400;
            case YEARLY -> 365 * 86_400;
        };
    }

    /** Candidates per period at most: the parts that expand a coarser frequency multiply it. */
    private static double expansion(RecurrenceRule rule) {
        Freq f = rule.getFreq();
        double n = 1;
        if (coarser(f, Freq.DAILY) && (rule.hasPart(Part.BYDAY) || rule.hasPart(Part.BYMONTHDAY)
                || rule.hasPart(Part.BYYEARDAY) || rule.hasPart(Part.BYWEEKNO))) {
            n *= f == Freq.WEEKLY ? 7 : f == Freq.MONTHLY ? 31 : 366;
        } else if (f == Freq.YEARLY && rule.hasPart(Part.BYMONTH)) {
            n *= rule.getByPart(Part.BYMONTH).size();
        }
        n *= size(rule, Part.BYHOUR, coarser(f, Freq.HOURLY));
        n *= size(rule, Part.BYMINUTE, coarser(f, Freq.MINUTELY));
        n *= size(rule, Part.BYSECOND, coarser(f, Freq.SECONDLY));
        return n;
    }

    private static int size(RecurrenceRule rule, Part part, boolean expands) {
        return expands && rule.hasPart(part) ? Math.max(1, rule.getByPart(part).size()) : 1;
    }

    /** Whether {@code f} has longer periods than {@code than} (Freq is declared YEARLY first). */
    private static boolean coarser(Freq f, Freq than) {
        return f.ordinal() < than.ordinal();
    }
}
