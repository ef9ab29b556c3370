package io.flowplane.controlplane.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.Recurrence;
import io.flowplane.controlplane.specs.ScheduleSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The remembering recurrence answers exactly what the compiled series answers, for any query
 * order: forwards as the scheduler asks, backwards, repeated, at and between fire instants,
 * across DST transitions and past the end of a finite series.
 */
class CompiledSchedulesTest {

    static Stream<ScheduleSpec> specs() {
        return Stream.of(
                new ScheduleSpec(null, "* * * * *", null, null, null, null, "UTC", null, null),
                new ScheduleSpec(null, "30 2 * * *", null, null, null, null, "Europe/Berlin", null, null),
                new ScheduleSpec(null, "*/7 1-3 * * *", null, null, null, null, "America/New_York", null, null),
                new ScheduleSpec(null, null, 90.0, "2026-03-29T00:00:00", null, null, "Europe/Berlin", null, null),
                new ScheduleSpec(null, null, null, null, "FREQ=HOURLY;COUNT=30", "2026-03-28T12:00:00",
                        "Europe/Berlin", null, null));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void remembersExactlyWhatTheSeriesAnswers(ScheduleSpec spec) throws Exception {
        CompiledSchedules schedules = new CompiledSchedules(new Json(new ObjectMapper()));
        String stored = new ObjectMapper().writeValueAsString(spec);
        Recurrence remembering = schedules.of(stored).recurrence();
        Recurrence fresh = spec.recurrence();
        assertThat(schedules.of(stored).recurrence()).isSameAs(remembering);

        // Around Berlin's spring-forward (29 Mar 2026, 01:00Z) and past the RRULE's end.
        Instant from = Instant.parse("2026-03-28T10:00:00Z");
        Random random = new Random(42);
        List<Instant> queries = new ArrayList<>();
        Instant t = from;
        for (int i = 0; i < 300; i++) {
            // The scheduler's walk: from "now" (any millisecond), then from each answer.
            Instant now = from.plusMillis((long) (random.nextDouble() * Duration.ofHours(40).toMillis()));
            queries.add(now);
            Instant n = fresh.next(now);
            for (int k = 0; k < 5 && n != null; k++) {
                queries.add(n);
                queries.add(n.minusMillis(1));
                n = fresh.next(n);
            }
            t = t.plusSeconds(61);
            queries.add(t);
        }
        for (Instant q : queries) {
            assertThat(remembering.next(q)).as("next after %s", q).isEqualTo(fresh.next(q));
        }
        for (int i = queries.size() - 1; i >= 0; i -= 3) {
            assertThat(remembering.next(queries.get(i))).isEqualTo(fresh.next(queries.get(i)));
        }
        assertThat(remembering.zone()).isEqualTo(fresh.zone());
    }
}
