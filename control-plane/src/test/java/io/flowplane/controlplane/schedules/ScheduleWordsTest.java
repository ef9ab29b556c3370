package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.ScheduleSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleWordsTest {
    private static ScheduleSpec cron(String expression, String zone) {
        return new ScheduleSpec(null, expression, null, null, null, null, zone, null, null);
    }

    @Test
    void fixedTimeCronNamesTheTimeTheZoneAndTheDays() {
        assertThat(ScheduleWords.describe(cron("30 2 * * *", "Europe/Berlin"))).isEqualTo("at 02:30 Europe/Berlin, every day");
        assertThat(ScheduleWords.describe(cron("@daily", null))).isEqualTo("at 00:00 UTC, every day");
        assertThat(ScheduleWords.describe(cron("30 2 1 * *", "Europe/Berlin")))
                .isEqualTo("at 02:30 Europe/Berlin, on day 1 of every month");
        assertThat(ScheduleWords.describe(cron("0 9 * * 1-5", "America/New_York")))
                .isEqualTo("at 09:00 America/New_York, every day from Monday to Friday");
        assertThat(ScheduleWords.describe(cron("15 6 * * 0", "UTC"))).isEqualTo("at 06:15 UTC, every Sunday");
        assertThat(ScheduleWords.describe(cron("15 6 * * 1,3", "UTC"))).isEqualTo("at 06:15 UTC, every Monday, Wednesday");
    }

    @Test
    void wildcardCronUsesTheCronDescriptionWithTheZone() {
        assertThat(ScheduleWords.describe(cron("*/15 * * * *", "UTC"))).contains("15 minutes").endsWith("(UTC)");
    }

    @Test
    void intervalsAndRrulesInUnits() {
        assertThat(ScheduleWords.describe(new ScheduleSpec(null, null, 300.0, null, null, null, "UTC", null, null)))
                .isEqualTo("every 5 minutes (UTC)");
        assertThat(ScheduleWords.describe(new ScheduleSpec(null, null, 86_400.0, "2026-01-01T03:00", null, null,
                "Europe/Berlin", null, null))).isEqualTo("every day, from 2026-01-01T03:00 (Europe/Berlin)");
        assertThat(ScheduleWords.describe(new ScheduleSpec(null, null, null, null, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
                "2026-01-05T08:00", "UTC", null, null))).isEqualTo("every 2 weeks (RRULE FREQ=WEEKLY;INTERVAL=2;BYDAY=MO) (UTC)");
    }
}
