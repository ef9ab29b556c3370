package io.flowplane.controlplane.specs;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One schedule of a deployment: exactly one of a cron expression (five fields or a macro such as
 * {@code @daily}), an interval with an optional anchor, or an RFC 5545 RRULE with its DTSTART —
 * each in an IANA time zone (default UTC), active unless said otherwise, with optional parameter
 * overrides. {@code name} identifies the schedule within its deployment (default
 * {@code schedule-1}, {@code schedule-2}, … by position): editing a named schedule replaces its
 * future runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(String name, String cron, Double intervalSeconds, String anchor, String rrule,
                           String dtstart, String timezone, Boolean active, ObjectNode parameters) {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final long DAY_SECONDS = 86_400;
    /** Where an interval without an anchor is phased from: local midnight, so hours align locally. */
    private static final LocalDateTime DEFAULT_ANCHOR = LocalDateTime.of(2000, 1, 1, 0, 0);

    /** The same schedule, active or paused. */
    public ScheduleSpec withActive(boolean value) {
        return new ScheduleSpec(name, cron, intervalSeconds, anchor, rrule, dtstart, timezone, value, parameters);
    }

    /** Defaults filled in: the positional name, UTC, active. */
    public ScheduleSpec normalized(int position) {
        return new ScheduleSpec(name == null ? "schedule-" + (position + 1) : name,
                cron == null ? null : cron.trim(), intervalSeconds, anchor, rrule == null ? null : rrule.trim(),
                dtstart, timezone == null ? "UTC" : timezone, active == null ? Boolean.TRUE : active, parameters);
    }

    /** Not named isActive: Jackson would take it for the property's getter. */
    public boolean activeOrDefault() {
        return active == null || active;
    }

    /** The five-field form of the cron expression (macros expanded). */
    public String cronExpression() {
        return MACROS.getOrDefault(cron.toLowerCase(Locale.ROOT), cron);
    }

    /** The compiled series; the spec must be valid. */
    public Recurrence recurrence() {
        ZoneId zone = ZoneId.of(timezone == null ? "UTC" : timezone);
        if (cron != null) {
            String fields = cronExpression();
            Cron parsed = CRON.parse(fields);
            return new CronRecurrence(parsed, fields, zone);
        }
        if (intervalSeconds != null) {
            LocalDateTime localAnchor = anchor == null ? DEFAULT_ANCHOR : localTime(anchor, zone);
            long millis = Math.round(intervalSeconds * 1000);
            if (intervalSeconds >= DAY_SECONDS) {
                return new WallClockIntervalRecurrence(localAnchor, millis / 1000, zone);
            }
            return new FixedIntervalRecurrence(Rfc5545.toInstant(localAnchor, zone), millis, zone);
        }
        try {
            return new RruleRecurrence(parseRule(), localTime(dtstart, zone), zone);
        } catch (InvalidRecurrenceRuleException e) {
            throw new IllegalArgumentException("invalid RRULE '" + rrule + "': " + e.getMessage(), e);
        }
    }

    /** Checks the spec on its own (as the preview does); throws listing every problem. */
    public void validate() {
        Validator v = new Validator();
        validate(v, "schedule");
        v.throwIfInvalid();
    }

    /** Adds every problem of this schedule to {@code v}, with field names under {@code path}. */
    public void validate(Validator v, String path) {
        if (name != null) {
            v.name(name, path + ".name");
        }
        long kinds = Stream.of(cron, intervalSeconds, rrule).filter(Objects::nonNull).count();
        if (kinds != 1) {
            v.add(path, "set exactly one of cron, intervalSeconds or rrule");
            return;
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timezone == null ? "UTC" : timezone);
        } catch (DateTimeException e) {
            v.add(path + ".timezone", "unknown time zone '" + timezone + "' (use an IANA name such as Europe/Berlin)");
            return;
        }
        boolean ok;
        if (cron != null) {
            ok = validateCron(v, path + ".cron");
        } else if (intervalSeconds != null) {
            ok = v.check(intervalSeconds >= 1 && intervalSeconds <= 3660L * DAY_SECONDS, path + ".intervalSeconds",
                    "must be between 1 second and 10 years").ok()
                    & v.check(anchor == null || parsesAsTime(anchor), path + ".anchor",
                    "must be an ISO-8601 date-time such as 2026-01-01T02:30:00 (local to the time zone) or with an offset")
                    .ok();
        } else {
            ok = validateRrule(v, path + ".rrule") & validateDtstart(v, path + ".dtstart")
                    && validateRruleCost(v, path + ".rrule", zone);
        }
        if (ok && v.ok()) {
            checkItRuns(v, path, zone);
        }
    }

    /** A rule that parses can still fail to expand (e.g. UNTIL in UTC with a floating DTSTART). */
    private void checkItRuns(Validator v, String path, ZoneId zone) {
        try {
            recurrence().next(Instant.parse("2000-01-01T00:00:00Z"));
        } catch (RuntimeException e) {
            String field = rrule != null ? path + ".rrule" : cron != null ? path + ".cron" : path;
            v.add(field, "cannot be expanded in " + zone + ": " + e.getMessage());
        }
    }

    private boolean validateCron(Validator v, String field) {
        String expression = cronExpression();
        if (expression.startsWith("@")) {
            v.add(field, "unknown macro '" + cron + "' (use @yearly, @monthly, @weekly, @daily or @hourly)");
            return false;
        }
        if (expression.trim().split("\\s+").length != 5) {
            v.add(field, "invalid cron expression '" + cron
                    + "': expected 5 fields (minute hour day-of-month month day-of-week)");
            return false;
        }
        try {
            CRON.parse(expression).validate();
            return true;
        } catch (IllegalArgumentException e) {
            v.add(field, "invalid cron expression '" + cron + "': " + e.getMessage());
            return false;
        }
    }

    private boolean validateRrule(Validator v, String field) {
        try {
            parseRule();
            return true;
        } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
            v.add(field, "invalid RRULE '" + rrule + "': " + io.flowplane.controlplane.common.UserMessages.plain(e));
            return false;
        }
    }

    /** Refuses a rule that would take the scheduler minutes (or forever) to expand; see RruleCost. */
    private boolean validateRruleCost(Validator v, String field, ZoneId zone) {
        try {
            long steps = RruleCost.steps(parseRule(), localTime(dtstart, zone));
            return v.check(steps <= RruleCost.MAX_STEPS, field, "has too many occurrences to expand between its "
                    + "dtstart and " + RruleCost.HORIZON.getYear() + " (about " + steps + ", at most "
                    + RruleCost.MAX_STEPS + "): start it later, use a coarser FREQ or a larger INTERVAL, or "
                    + "intervalSeconds for a series of seconds").ok();
        } catch (InvalidRecurrenceRuleException e) {
            return false;
        }
    }

    private boolean validateDtstart(Validator v, String field) {
        if (dtstart == null) {
            v.add(field, "is required with rrule: the local date-time the rule starts from, e.g. 2026-01-01T02:30:00");
            return false;
        }
        return v.check(parsesAsTime(dtstart), field,
                "must be an ISO-8601 date-time such as 2026-01-01T02:30:00 (local to the time zone)").ok();
    }

    private RecurrenceRule parseRule() throws InvalidRecurrenceRuleException {
        String rule = rrule.startsWith("RRULE:") ? rrule.substring("RRULE:".length()) : rrule;
        return new RecurrenceRule(rule, RecurrenceRule.RfcMode.RFC5545_STRICT);
    }

    /** A local date-time as given, or one with an offset converted into the zone's local time. */
    private static LocalDateTime localTime(String value, ZoneId zone) {
        try {
            return LocalDateTime.parse(value);
        } catch (DateTimeException e) {
            return OffsetDateTime.parse(value).atZoneSameInstant(zone).toLocalDateTime();
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
