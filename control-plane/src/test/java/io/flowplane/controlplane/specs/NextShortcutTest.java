package io.flowplane.controlplane.specs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code next()} takes a shortcut away from UTC-offset changes; this walks a year in uneven steps
 * (so every step lands at a different time of day, and many near a transition) and checks the
 * shortcut against the exact search for each kind of local-time schedule and zone.
 */
class NextShortcutTest {

    static Stream<Arguments> schedules() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String zone : new String[] {"Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC", "Asia/Kolkata"}) {
            for (String cron : new String[] {"* * * * *", "*/15 * * * *", "30 2 * * *", "0 1-3 * * *", "45 23 * * 0"}) {
                b.add(Arguments.of(cron + " @ " + zone, new ScheduleSpec(null, cron, null, null, null, null, zone, null, null)));
            }
            b.add(Arguments.of("rrule daily 02:30 @ " + zone,
                    new ScheduleSpec(null, null, null, null, "FREQ=DAILY", "2026-01-01T02:30:00", zone, null, null)));
            b.add(Arguments.of("rrule hourly @ " + zone,
                    new ScheduleSpec(null, null, null, null, "FREQ=HOURLY;BYMINUTE=30", "2026-01-01T00:30:00", zone, null, null)));
            b.add(Arguments.of("1-day interval @ " + zone,
                    new ScheduleSpec(null, null, 86400.0, "2026-01-01T02:30:00", null, null, zone, null, null)));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void shortcutAgreesWithExactSearch(String name, ScheduleSpec spec) {
        LocalTimeRecurrence r = (LocalTimeRecurrence) spec.recurrence();
        List<Instant> points = new ArrayList<>();
        // Across the year at uneven steps (a different time of day each time)...
        for (Instant t = YEAR_START; t.isBefore(YEAR_END); t = t.plus(Duration.ofHours(31).plusMinutes(7).plusMillis(311))) {
            points.add(t);
        }
        // ...and densely within the exact search's reach of every offset change of the zone.
        ZoneRules rules = r.zone().getRules();
        for (ZoneOffsetTransition tr = rules.nextTransition(YEAR_START); tr != null && tr.getInstant().isBefore(YEAR_END);
             tr = rules.nextTransition(tr.getInstant())) {
            for (Instant t = tr.getInstant().minus(Duration.ofHours(7)); t.isBefore(tr.getInstant().plus(Duration.ofHours(4)));
                 t = t.plus(Duration.ofMinutes(21).plusSeconds(7))) {
                points.add(t);
            }
        }
        for (Instant t : points) {
            assertThat(r.next(t)).as("next after %s", t).isEqualTo(r.nextAcrossTransitions(t));
        }
        assertThat(points).hasSizeGreaterThan(250);
    }

    private static final Instant YEAR_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant YEAR_END = Instant.parse("2027-01-01T00:00:00Z");
}
