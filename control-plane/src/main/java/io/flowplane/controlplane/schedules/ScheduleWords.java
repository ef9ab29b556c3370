package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.ScheduleSpec;
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
        if (fixedTime) {
            // Fixed wall-clock times are where the zone matters (and DST with it): name it right after the time.
            String time = String.format(Locale.ROOT, "%02d:%02d", Integer.parseInt(f[1]), Integer.parseInt(f[0]));
            return "at " + time + " " + zone + ", " + days(f[2], f[3], f[4], words);
        }
        return words + " (" + zone + ")";
    }

    private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

    /** The day part of a fixed-time cron: common forms in words, the rest as cron-utils says it. */
    private static String days(String dom, String month, String dow, String words) {
        if (!month.equals("*")) {
            return words.replaceFirst("(?i)^at \\d{1,2}:\\d{2}\\s*", "");
        }
        if (dom.equals("*") && dow.equals("*")) {
            return "every day";
        }
        if (dow.equals("*") && dom.matches("\\d+")) {
            return "on day " + dom + " of every month";
        }
        if (dom.equals("*") && dow.matches("[0-7]")) {
            return "every " + DAYS[Integer.parseInt(dow)];
        }
        if (dom.equals("*") && dow.matches("[0-7]-[0-7]")) {
            return "every day from " + DAYS[dow.charAt(0) - '0'] + " to " + DAYS[dow.charAt(2) - '0'];
        }
        if (dom.equals("*") && dow.matches("[0-7](,[0-7])+")) {
            return "every " + String.join(", ", java.util.Arrays.stream(dow.split(",")).map(d -> DAYS[Integer.parseInt(d)]).toList());
        }
        return words.replaceFirst("(?i)^at \\d{1,2}:\\d{2}\\s*", "");
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
