package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.Recurrence;
import io.flowplane.controlplane.specs.ScheduleSpec;
import io.flowplane.controlplane.common.Validator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * What a schedule would run, computed by the same {@link Recurrence} the scheduler uses and
 * stored nowhere: users check an expression (and its DST behaviour) before they deploy it.
 */
public final class SchedulePreview {
    public static final int MAX_COUNT = 1000;

    private SchedulePreview() {
    }

    /** A range [from, to] or a start and a count; from defaults to now, count to 10. */
    public record Request(ScheduleSpec schedule, Instant from, Instant to, Integer count) {
    }

    public record Occurrence(Instant at, OffsetDateTime local) {
    }

    public record Result(String timezone, List<Occurrence> runs) {
    }

    public static Result preview(Request r, Instant now) {
        Validator v = new Validator().required(r.schedule(), "schedule");
        if (r.schedule() != null) {
            r.schedule().validate(v, "schedule");
        }
        v.check(r.count() == null || (r.count() >= 1 && r.count() <= MAX_COUNT), "count",
                "must be between 1 and " + MAX_COUNT);
        v.check(r.from() == null || Validator.inRange(r.from()), "from", "must be between 1970 and 9999");
        v.check(r.to() == null || Validator.inRange(r.to()), "to", "must be between 1970 and 9999");
        v.check(r.from() == null || r.to() == null || r.from().isBefore(r.to()), "to", "must be after from");
        v.throwIfInvalid();
        Instant from = r.from() == null ? now : r.from();
        Instant to = r.to() == null ? Instant.parse("9999-12-31T23:59:59Z") : r.to();
        int count = r.count() != null ? r.count() : r.to() != null ? MAX_COUNT : 10;
        Recurrence recurrence = r.schedule().normalized(0).recurrence();
        ZoneId zone = recurrence.zone();
        // Inclusive of from: an instant exactly at the start is one the schedule runs.
        List<Occurrence> runs = recurrence.between(from.minusMillis(1), to, count).stream()
                .map(at -> new Occurrence(at, at.atZone(zone).toOffsetDateTime())).toList();
        return new Result(zone.getId(), runs);
    }
}
