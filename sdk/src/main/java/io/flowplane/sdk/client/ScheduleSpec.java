package io.flowplane.sdk.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One schedule of a deployment: exactly one of {@code cron}, {@code intervalSeconds} (with an
 * optional {@code anchor}) or {@code rrule} (with an optional {@code dtstart}); an IANA
 * {@code timezone} (UTC when absent); {@code active} (true when absent); parameter overrides.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScheduleSpec(String name, String cron, Double intervalSeconds, String anchor, String rrule,
                           String dtstart, String timezone, Boolean active, ObjectNode parameters) {

    public static ScheduleSpec cron(String expression) {
        return new ScheduleSpec(null, expression, null, null, null, null, null, null, null);
    }

    public static ScheduleSpec interval(java.time.Duration every) {
        return new ScheduleSpec(null, null, every.toMillis() / 1000.0, null, null, null, null, null, null);
    }

    public static ScheduleSpec rrule(String rule) {
        return new ScheduleSpec(null, null, null, null, rule, null, null, null, null);
    }

    public ScheduleSpec named(String n) {
        return new ScheduleSpec(n, cron, intervalSeconds, anchor, rrule, dtstart, timezone, active, parameters);
    }

    public ScheduleSpec anchor(String a) {
        return new ScheduleSpec(name, cron, intervalSeconds, a, rrule, dtstart, timezone, active, parameters);
    }

    public ScheduleSpec dtstart(String d) {
        return new ScheduleSpec(name, cron, intervalSeconds, anchor, rrule, d, timezone, active, parameters);
    }

    public ScheduleSpec timezone(String zone) {
        return new ScheduleSpec(name, cron, intervalSeconds, anchor, rrule, dtstart, zone, active, parameters);
    }

    public ScheduleSpec active(boolean a) {
        return new ScheduleSpec(name, cron, intervalSeconds, anchor, rrule, dtstart, timezone, a, parameters);
    }

    /** Overrides of the deployment's parameters for runs of this schedule (any object Jackson can map). */
    public ScheduleSpec parameters(Object overrides) {
        return new ScheduleSpec(name, cron, intervalSeconds, anchor, rrule, dtstart, timezone, active,
                io.flowplane.sdk.internal.Json.MAPPER.valueToTree(overrides));
    }
}
