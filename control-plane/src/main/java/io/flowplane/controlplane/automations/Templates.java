package io.flowplane.controlplane.automations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template syntax of actions and messages: {@code {{ event.run.id }}} is replaced by that
 * field of the triggering event, and nothing else happens — no expressions, no code, only the
 * fields listed in {@link #FIELDS}. An unknown field is refused when the automation is saved.
 */
public final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]*)\\s*}}");

    public static final Set<String> FIELDS = Set.copyOf(new TreeSet<>(List.of(
            "event.id", "event.type", "event.occurredAt", "event.resource.kind", "event.resource.id",
            "event.resource.name", "event.run.id", "event.run.name", "event.deployment.id", "event.deployment.name",
            "event.flow.name", "event.pool.id", "event.state.type", "event.state.name", "event.message",
            "automation.id", "automation.name", "firing.id", "firing.reason")));
    // Also event.payload.KEY (see isPayloadField).

    private Templates() {
    }

    /** The fields {@code template} refers to that do not exist. */
    public static List<String> unknownFields(String template) {
        List<String> unknown = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!FIELDS.contains(m.group(1)) && !isPayloadField(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        return unknown;
    }

    /** {@code event.payload.KEY[.KEY…]}: a value of the event's payload (an inbound webhook's JSON body). */
    static boolean isPayloadField(String field) {
        return field.startsWith("event.payload.") && field.length() > "event.payload.".length()
                && !field.endsWith(".") && !field.contains("..");
    }

    /** {@code template} with every placeholder replaced by its value in {@code context} (absent: empty). */
    public static String render(String template, Map<String, String> context) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = context.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
