package io.flowplane.cli.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.CliException;
import io.flowplane.cli.Durations;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Shows when an expression would run, computed by the control plane's own scheduler code
 * (POST /api/v1/schedule-preview), so what you see is what the scheduler will do, DST included.
 */
@Command(name = "preview", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print the next run times of a cron expression, an interval or an RRULE, in UTC and local time.",
        footer = {"", "Examples:",
                "  flowplane schedule preview '30 2 * * *' --tz Europe/Berlin",
                "  flowplane schedule preview 15m --anchor 2026-01-01T00:05:00",
                "  flowplane schedule preview 'FREQ=MONTHLY;BYDAY=-1FR' --tz America/New_York --count 3"})
public final class SchedulePreviewCommand extends ApiCommand {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx EEE", Locale.ROOT);

    enum Kind { AUTO, CRON, INTERVAL, RRULE }

    @Parameters(paramLabel = "EXPR", description = "cron (5 fields or @daily…), interval (90s, 15m, 1h, PT1H) or RRULE")
    String expression;

    @Option(names = "--tz", paramLabel = "ZONE", defaultValue = "UTC", description = "IANA time zone (default: ${DEFAULT-VALUE})")
    String timezone;

    @Option(names = {"-n", "--count"}, defaultValue = "10", description = "how many (1-1000, default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--from", paramLabel = "INSTANT", description = "start here instead of now (e.g. 2026-03-29T00:00:00Z)")
    Instant from;

    @Option(names = "--anchor", paramLabel = "LOCAL_TIME", description = "interval: a local time the series passes through")
    String anchor;

    @Option(names = "--dtstart", paramLabel = "LOCAL_TIME",
            description = "RRULE: the first local start (DTSTART; default: today 00:00 in --tz)")
    String dtstart;

    @Option(names = "--kind", defaultValue = "auto", description = "auto, cron, interval or rrule (default: ${DEFAULT-VALUE})")
    Kind kind;

    @Override
    protected int run(Api api) {
        ObjectNode schedule = JsonNodeFactory.instance.objectNode().put("timezone", timezone);
        switch (kind == Kind.AUTO ? detect(expression) : kind) {
            case RRULE -> {
                schedule.put("rrule", expression);
                if (dtstart == null) {
                    // The server wants a DTSTART; for a preview, today's local midnight is what people mean.
                    schedule.put("dtstart", java.time.LocalDate.now(zone()).atStartOfDay().toString() + ":00");
                }
            }
            case INTERVAL -> {
                OptionalDouble secs = Durations.seconds(expression);
                if (secs.isEmpty()) {
                    throw new CliException("'" + expression + "' is not an interval such as 90s, 15m, 1h or PT1H",
                            ExitCodes.USAGE, null);
                }
                schedule.put("intervalSeconds", secs.getAsDouble());
            }
            default -> schedule.put("cron", expression);
        }
        if (anchor != null) {
            schedule.put("anchor", anchor);
        }
        if (dtstart != null) {
            schedule.put("dtstart", dtstart);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("count", count);
        body.set("schedule", schedule);
        if (from != null) {
            body.put("from", from.toString());
        }
        JsonNode result = api.post("api/v1/schedule-preview", body);
        if (api.json()) {
            api.printJson(result);
            return 0;
        }
        Table t = new Table("UTC", "LOCAL (" + result.path("timezone").asText() + ")");
        for (JsonNode r : result.path("runs")) {
            t.row(r.path("at").asText(), LOCAL.format(OffsetDateTime.parse(r.path("local").asText())));
        }
        if (t.isEmpty()) {
            api.out().println("this schedule never runs after " + (from == null ? "now" : from));
        } else {
            t.print(api.out());
        }
        return 0;
    }

    private java.time.ZoneId zone() {
        try {
            return java.time.ZoneId.of(timezone);
        } catch (java.time.DateTimeException e) {
            throw new CliException("--tz '" + timezone + "' is not an IANA time zone such as Europe/Berlin",
                    ExitCodes.USAGE, e);
        }
    }

    static Kind detect(String expr) {
        String e = expr.trim().toUpperCase(Locale.ROOT);
        if (e.startsWith("RRULE:") || e.contains("FREQ=")) {
            return Kind.RRULE;
        }
        return Durations.seconds(expr).isPresent() ? Kind.INTERVAL : Kind.CRON;
    }
}
