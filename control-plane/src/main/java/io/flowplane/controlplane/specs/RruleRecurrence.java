package io.flowplane.controlplane.specs;

import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;

/**
 * An RFC 5545 RRULE with DTSTART in the schedule's zone. lib-recur expands the rule in floating
 * (zone-less) local time; the RFC's DST rule turns each local time into an instant afterwards, so
 * the DST behaviour is ours and tested, not a side effect of the library's calendar code.
 */
final class RruleRecurrence extends LocalTimeRecurrence {
    private final RecurrenceRule rule;
    private final DateTime start;

    RruleRecurrence(RecurrenceRule rule, LocalDateTime dtstart, ZoneId zone) {
        super(zone);
        this.rule = rule;
        this.start = floating(dtstart);
    }

    private static DateTime floating(LocalDateTime t) {
        return new DateTime(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(),
                t.getSecond());
    }

    private static LocalDateTime local(DateTime t) {
        return LocalDateTime.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), t.getHours(), t.getMinutes(),
                t.getSeconds());
    }

    @Override
    Iterator<LocalDateTime> localTimesFrom(LocalDateTime from) {
        RecurrenceRuleIterator it = rule.iterator(start);
        it.fastForward(floating(from));
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public LocalDateTime next() {
                return local(it.nextDateTime());
            }
        };
    }

    @Override
    void instantsOf(LocalDateTime local, List<Instant> out) {
        out.add(Rfc5545.toInstant(local, zone));
    }
}
