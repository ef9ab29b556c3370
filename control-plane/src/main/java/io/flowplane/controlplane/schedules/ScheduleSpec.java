package io.flowplane.controlplane.schedules;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One schedule of a deployment: exactly one of a cron expression (five fields or a macro such as
 * {@code @daily}), an interval with an optional anchor, or an RFC 5545 RRULE with a DTSTART —
 * each in an IANA time zone (default UTC), active unless said otherwise, with optional
 * parameter overrides.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(String cron, Double intervalSeconds, String anchor, String rrule, String dtstart,
                           String timezone, Boolean active, ObjectNode parameters) {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    /** Defaults filled in: UTC, active. */
    public ScheduleSpec normalized() {
        return new ScheduleSpec(cron == null ? null : cron.trim(), intervalSeconds, anchor, rrule, dtstart,
                timezone == null ? "UTC" : timezone, active == null ? Boolean.TRUE : active, parameters);
    }

    /** The five-field form of the cron expression (macros expanded). */
    public String cronExpression() {
        return MACROS.getOrDefault(cron.toLowerCase(Locale.ROOT), cron);
    }

    /** Adds every problem of this schedule to {@code v}, with field names under {@code path}. */
    public void validate(Validator v, String path) {
        long kinds = Stream.of(cron, intervalSeconds, rrule).filter(java.util.Objects::nonNull).count();
        if (kinds != 1) {
            v.add(path, "set exactly one of cron, intervalSeconds or rrule");
            return;
        }
        ZoneId zone = null;
        try {
            zone = ZoneId.of(timezone == null ? "UTC" : timezone);
        } catch (DateTimeException e) {
            v.add(path + ".timezone", "unknown time zone '" + timezone + "' (use an IANA name such as Europe/Berlin)");
        }
        if (cron != null) {
            validateCron(v, path + ".cron");
        } else if (intervalSeconds != null) {
            v.check(intervalSeconds >= 1 && intervalSeconds <= 3660L * 86400, path + ".intervalSeconds",
                    "must be between 1 second and 10 years");
            v.check(anchor == null || parsesAsTime(anchor), path + ".anchor",
                    "must be an ISO-8601 date-time such as 2026-01-01T02:30:00 (local to the time zone) or with an offset");
        } else {
            validateRrule(v, path + ".rrule");
            v.check(dtstart == null || parsesAsTime(dtstart), path + ".dtstart",
                    "must be an ISO-8601 date-time such as 2026-01-01T02:30:00 (local to the time zone)");
        }
    }

    private void validateCron(Validator v, String field) {
        String expression = cronExpression();
        if (expression.startsWith("@")) {
            v.add(field, "unknown macro '" + cron + "' (use @yearly, @monthly, @weekly, @daily or @hourly)");
            return;
        }
        try {
            CRON.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            v.add(field, "invalid cron expression '" + cron + "': " + e.getMessage());
        }
    }

    private void validateRrule(Validator v, String field) {
        String rule = rrule.startsWith("RRULE:") ? rrule.substring("RRULE:".length()) : rrule;
        try {
            new RecurrenceRule(rule, RecurrenceRule.RfcMode.RFC5545_STRICT);
        } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
            v.add(field, "invalid RRULE '" + rrule + "': " + e.getMessage());
        }
    }

    private static boolean parsesAsTime(String value) {
        try {
            LocalDateTime.parse(value);
            return true;
        } catch (DateTimeException e) {
            try {
                OffsetDateTime.parse(value);
                return true;
            } catch (DateTimeException e2) {
                return false;
            }
        }
    }
}
