package io.flowplane.controlplane.specs;

import com.cronutils.model.Cron;
import com.cronutils.model.time.ExecutionTime;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A five-field cron expression with Vixie cron's DST rules ({@code man 8 cron}). A job whose
 * minute and hour fields are both fixed runs once per matching local time: a time skipped by a
 * spring-forward runs at the first instant after the gap, a time repeated by a fall-back runs at
 * its first occurrence. A job with a wildcard or a step in its minute or hour field follows real
 * time: skipped local times do not run and repeated ones run twice.
 */
final class CronRecurrence extends LocalTimeRecurrence {
    private final ExecutionTime execution;
    private final boolean realTime;
    private final ZoneRules rules;

    CronRecurrence(Cron cron, String fiveFields, ZoneId zone) {
        super(zone);
        this.execution = ExecutionTime.forCron(cron);
        String[] fields = fiveFields.trim().split("\\s+");
        this.realTime = isWildcard(fields[0]) || isWildcard(fields[1]);
        this.rules = zone.getRules();
    }

    private static boolean isWildcard(String field) {
        return field.contains("*") || field.contains("/");
    }

    /** cron-utils walks local time as if it were UTC: no DST of its own, ours is applied after. */
    @Override
    Iterator<LocalDateTime> localTimesFrom(LocalDateTime from) {
        return new Iterator<>() {
            private ZonedDateTime cursor = from.minusSeconds(1).atZone(ZoneOffset.UTC);
            private Optional<ZonedDateTime> next = execution.nextExecution(cursor);

            @Override
            public boolean hasNext() {
                return next.isPresent();
            }

            @Override
            public LocalDateTime next() {
                ZonedDateTime value = next.orElseThrow(NoSuchElementException::new);
                cursor = value;
                next = execution.nextExecution(cursor);
                return value.toLocalDateTime();
            }
        };
    }

    @Override
    void instantsOf(LocalDateTime local, List<Instant> out) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            if (!realTime) {
                ZoneOffsetTransition gap = rules.getTransition(local);
                out.add(gap.getInstant());
            }
            return;
        }
        if (realTime) {
            for (ZoneOffset offset : offsets) {
                out.add(local.toInstant(offset));
            }
        } else {
            // ZonedDateTime picks the earlier offset in an overlap: the first occurrence.
            out.add(ZonedDateTime.of(local, zone).toInstant());
        }
    }
}
