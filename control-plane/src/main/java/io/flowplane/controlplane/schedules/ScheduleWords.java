package io.flowplane.controlplane.schedules;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

import java.util.Locale;

/** A schedule in plain words for people: "at 02:30 Europe/Berlin, every day", "every 15 minutes". */
public final class ScheduleWords {
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronDescriptor WORDS = CronDescriptor.instance(Locale.UK);

    private ScheduleWords() {
    }

    /** The words for a valid schedule (the expression itself if it has no better words). */
    public static String describe(ScheduleSpec spec) {
        String zone = spec.timezone() == null ? "UTC" : spec.timezone();
        if (spec.cron() != null) {
            return cron(spec.cronExpression(), zone);
        }
        if (spec.intervalSeconds() != null) {
            return "every " + interval(spec.intervalSeconds()) + (spec.anchor() == null ? "" : ", from " + spec.anchor())
                    + " (" + zone + ")";
        }
        return rrule(spec.rrule()) + " (" + zone + ")";
    }

    static String cron(String expression, String zone) {
        String[] f = expression.trim().split("\\s+");
        String words;
        try {
            words = WORDS.describe(CRON.parse(expression));
        } catch (RuntimeException e) {
            return "cron " + expression + " (" + zone + ")";
        }
        boolean fixedTime = f.length == 5 && f[0].matches("\\d+") && f[1].matches("\\d+");
        boolean everyDay = f.length == 5 && f[2].equals("*") && f[3].equals("*") && f[4].equals("*");
        if (fixedTime) {
            // Fixed wall-clock times are where the zone matters (and DST with it): name it right after the time.
            String time = String.format(Locale.ROOT, "%02d:%02d", Integer.parseInt(f[1]), Integer.parseInt(f[0]));
            String rest = words.replaceFirst("(?i)^at \\d{1,2}:\\d{2}", "").trim();
            return "at " + time + " " + zone + (everyDay ? ", every day" : rest.isEmpty() ? "" : ", " + rest);
        }
        return words + " (" + zone + ")";
    }

    static String interval(double seconds) {
        long s = Math.round(seconds);
        if (s % 86_400 == 0) {
            return plural(s / 86_400, "day");
        }
        if (s % 3600 == 0) {
            return plural(s / 3600, "hour");
        }
        if (s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return plural(s, "second");
    }

    static String rrule(String rrule) {
        String body = rrule.replaceFirst("(?i)^RRULE:", "");
        String freq = null;
        int every = 1;
        for (String part : body.split(";")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2 && kv[0].equalsIgnoreCase("FREQ")) {
                freq = kv[1].toLowerCase(Locale.ROOT);
            } else if (kv.length == 2 && kv[0].equalsIgnoreCase("INTERVAL") && kv[1].matches("\\d+")) {
                every = Integer.parseInt(kv[1]);
            }
        }
        String unit = freq == null ? null : switch (freq) {
            case "secondly" -> "second";
            case "minutely" -> "minute";
            case "hourly" -> "hour";
            case "daily" -> "day";
            case "weekly" -> "week";
            case "monthly" -> "month";
            case "yearly" -> "year";
            default -> null;
        };
        return unit == null ? "RRULE " + body : "every " + plural(every, unit) + " (RRULE " + body + ")";
    }

    private static String plural(long n, String unit) {
        return n == 1 ? unit : n + " " + unit + "s";
    }
}
