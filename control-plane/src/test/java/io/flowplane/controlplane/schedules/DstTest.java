package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.Recurrence;
import io.flowplane.controlplane.specs.ScheduleSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DST behaviour, with the exact instants written out. 2026 transitions:
 * Europe/Berlin springs forward on 29 Mar (02:00 → 03:00, 01:00Z) and falls back on 25 Oct (03:00 → 02:00, 01:00Z);
 * America/New_York on 8 Mar (02:00 → 03:00, 07:00Z) and 1 Nov (02:00 → 01:00, 06:00Z — the repeated hour is 01:xx);
 * Australia/Sydney falls back on 5 Apr (03:00 → 02:00, 16:00Z on 4 Apr) and springs forward on 4 Oct
 * (02:00 → 03:00, 16:00Z on 3 Oct).
 */
class DstTest {

    private static ScheduleSpec cron(String expr, String zone) {
        return new ScheduleSpec(null, expr, null, null, null, null, zone, null, null);
    }

    private static ScheduleSpec dailyRrule(String zone) {
        return new ScheduleSpec(null, null, null, null, "FREQ=DAILY", "2026-01-01T02:30:00", zone, null, null);
    }

    private static ScheduleSpec dailyInterval(String zone) {
        return new ScheduleSpec(null, null, 86400.0, "2026-01-01T02:30:00", null, null, zone, null, null);
    }

    /** The day before, the day of and the day after a transition, for a job at 02:30 local. */
    static Stream<Arguments> dailyAt0230() {
        return Stream.of(
                // Vixie cron: a skipped 02:30 runs at the end of the gap; a repeated one at its first occurrence.
                Arguments.of("cron", cron("30 2 * * *", "Europe/Berlin"), "2026-03-28",
                        List.of("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z")),
                Arguments.of("cron", cron("30 2 * * *", "Europe/Berlin"), "2026-10-24",
                        List.of("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")),
                Arguments.of("cron", cron("30 2 * * *", "America/New_York"), "2026-03-07",
                        List.of("2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z")),
                Arguments.of("cron", cron("30 2 * * *", "America/New_York"), "2026-10-31",
                        List.of("2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z")),
                Arguments.of("cron", cron("30 2 * * *", "Australia/Sydney"), "2026-04-04",
                        List.of("2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z")),
                Arguments.of("cron", cron("30 2 * * *", "Australia/Sydney"), "2026-10-03",
                        List.of("2026-10-02T16:30:00Z", "2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z")),
                // RFC 5545: a skipped 02:30 is read with the offset before the gap (03:30 local); a repeated one is the first.
                Arguments.of("rrule", dailyRrule("Europe/Berlin"), "2026-03-28",
                        List.of("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z")),
                Arguments.of("rrule", dailyRrule("Europe/Berlin"), "2026-10-24",
                        List.of("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")),
                Arguments.of("rrule", dailyRrule("America/New_York"), "2026-03-07",
                        List.of("2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z")),
                Arguments.of("rrule", dailyRrule("America/New_York"), "2026-10-31",
                        List.of("2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z")),
                Arguments.of("rrule", dailyRrule("Australia/Sydney"), "2026-04-04",
                        List.of("2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z")),
                Arguments.of("rrule", dailyRrule("Australia/Sydney"), "2026-10-03",
                        List.of("2026-10-02T16:30:00Z", "2026-10-03T16:30:00Z", "2026-10-04T15:30:00Z")),
                // A one-day interval keeps the wall-clock time, with RFC 5545's rule.
                Arguments.of("interval", dailyInterval("Europe/Berlin"), "2026-03-28",
                        List.of("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z")),
                Arguments.of("interval", dailyInterval("Europe/Berlin"), "2026-10-24",
                        List.of("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")),
                Arguments.of("interval", dailyInterval("America/New_York"), "2026-03-07",
                        List.of("2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z")),
                Arguments.of("interval", dailyInterval("America/New_York"), "2026-10-31",
                        List.of("2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z")),
                Arguments.of("interval", dailyInterval("Australia/Sydney"), "2026-04-04",
                        List.of("2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z")),
                Arguments.of("interval", dailyInterval("Australia/Sydney"), "2026-10-03",
                        List.of("2026-10-02T16:30:00Z", "2026-10-03T16:30:00Z", "2026-10-04T15:30:00Z")));
    }

    @ParameterizedTest(name = "{0} {1} from {2}")
    @MethodSource("dailyAt0230")
    void dailyJobAt0230(String kind, ScheduleSpec spec, String firstDay, List<String> expected) {
        ZoneId zone = ZoneId.of(spec.timezone());
        Instant from = LocalDate.parse(firstDay).atStartOfDay(zone).toInstant();
        Instant to = LocalDate.parse(firstDay).plusDays(3).atStartOfDay(zone).toInstant();
        List<String> got = spec.recurrence().between(from, to, 100).stream().map(Instant::toString).toList();
        assertThat(got).as(kind + " in " + zone).containsExactlyElementsOf(expected);
    }

    /** Real-time cron jobs: counted over the local day of the transition, and checked around it. */
    static Stream<Arguments> realTime() {
        return Stream.of(
                Arguments.of("0 * * * *", "Europe/Berlin", "2026-03-29", 23,
                        List.of("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z")),
                Arguments.of("0 * * * *", "Europe/Berlin", "2026-10-25", 25,
                        List.of("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z")),
                Arguments.of("0 * * * *", "America/New_York", "2026-03-08", 23,
                        List.of("2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z")),
                Arguments.of("0 * * * *", "America/New_York", "2026-11-01", 25,
                        List.of("2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z")),
                Arguments.of("0 * * * *", "Australia/Sydney", "2026-04-05", 25,
                        List.of("2026-04-04T15:00:00Z", "2026-04-04T16:00:00Z", "2026-04-04T17:00:00Z")),
                Arguments.of("0 * * * *", "Australia/Sydney", "2026-10-04", 23,
                        List.of("2026-10-03T15:00:00Z", "2026-10-03T16:00:00Z", "2026-10-03T17:00:00Z")),
                Arguments.of("*/15 * * * *", "Europe/Berlin", "2026-03-29", 92,
                        List.of("2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z")),
                Arguments.of("*/15 * * * *", "Europe/Berlin", "2026-10-25", 100,
                        List.of("2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z")),
                Arguments.of("*/15 * * * *", "America/New_York", "2026-03-08", 92,
                        List.of("2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z")),
                Arguments.of("*/15 * * * *", "America/New_York", "2026-11-01", 100,
                        List.of("2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:15:00Z")),
                Arguments.of("*/15 * * * *", "Australia/Sydney", "2026-04-05", 100,
                        List.of("2026-04-04T15:45:00Z", "2026-04-04T16:00:00Z", "2026-04-04T16:15:00Z")),
                Arguments.of("*/15 * * * *", "Australia/Sydney", "2026-10-04", 92,
                        List.of("2026-10-03T15:45:00Z", "2026-10-03T16:00:00Z", "2026-10-03T16:15:00Z")));
    }

    @ParameterizedTest(name = "{0} in {1} on {2}: {3} runs")
    @MethodSource("realTime")
    void realTimeJobs(String expr, String zoneName, String day, int runsThatDay, List<String> aroundTransition) {
        ZoneId zone = ZoneId.of(zoneName);
        Recurrence r = cron(expr, zoneName).recurrence();
        Instant dayStart = LocalDate.parse(day).atStartOfDay(zone).toInstant();
        Instant dayEnd = LocalDate.parse(day).plusDays(1).atStartOfDay(zone).toInstant();
        List<Instant> runs = r.between(dayStart.minusMillis(1), dayEnd.minusMillis(1), 1000);
        assertThat(runs).hasSize(runsThatDay);
        // Real time: consecutive runs are exactly one period apart, even across the transition.
        Duration period = Duration.between(runs.get(0), runs.get(1));
        for (int i = 1; i < runs.size(); i++) {
            assertThat(Duration.between(runs.get(i - 1), runs.get(i))).isEqualTo(period);
        }
        Instant first = Instant.parse(aroundTransition.get(0));
        assertThat(r.between(first.minusMillis(1), Instant.parse(aroundTransition.get(2)), 10))
                .extracting(Instant::toString).containsExactlyElementsOf(aroundTransition);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("macros")
    void macrosExpand(String macro, String equivalent) {
        Instant from = Instant.parse("2026-02-26T10:17:00Z");
        Instant to = from.plus(Duration.ofDays(800));
        assertThat(cron(macro, "Europe/Berlin").recurrence().between(from, to, 50))
                .isEqualTo(cron(equivalent, "Europe/Berlin").recurrence().between(from, to, 50));
    }

    static Stream<Arguments> macros() {
        return Stream.of(Arguments.of("@hourly", "0 * * * *"), Arguments.of("@daily", "0 0 * * *"),
                Arguments.of("@weekly", "0 0 * * 0"), Arguments.of("@monthly", "0 0 1 * *"),
                Arguments.of("@yearly", "0 0 1 1 *"));
    }
}
