package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.eventlog.EventTypes;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An automation as users write it (REST body, flowplane.yaml): a trigger and the actions it takes.
 * {@link #validate} names every invalid field by its JSON path.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AutomationSpec(String name, String description, Boolean enabled, Trigger trigger, List<Action> actions) {

    public static final String EVENT = "event";
    public static final String ABSENCE = "absence";
    public static final Set<String> ACTION_TYPES = Set.of("run-deployment", "pause-deployment", "resume-deployment",
            "pause-work-pool", "resume-work-pool", "cancel-run", "notify");
    static final double MAX_WINDOW_SECONDS = 366 * 24 * 3600.0;

    /**
     * {@code event}: fires on each event that matches ({@code threshold} > 1: when that many matched
     * within {@code withinSeconds}, counting only events after the previous firing). {@code absence}:
     * fires when no matching event occurred for {@code withinSeconds}, once per such window.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trigger(String type, Match match, Integer threshold, Double withinSeconds) {
    }

    /** Every given criterion must hold. {@code deployment} is a name or id; {@code state} a state type or name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(List<String> types, String deployment, String flow, List<String> tags, String resourceId,
                        String resourceName, String state) {
    }

    /** One action; which fields apply depends on {@code type}. String values may hold templates. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Action(String type, String deployment, ObjectNode parameters, String workPool, String run,
                         String target, String message) {
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** Checks what the spec alone can tell; references to other objects are checked by the service. */
    public void validate(Validator v) {
        v.name(name, "name");
        v.check(description == null || description.length() <= 2000, "description", "must be at most 2000 characters");
        if (trigger == null) {
            v.add("trigger", "is required");
        } else {
            validateTrigger(v);
        }
        if (actions == null || actions.isEmpty()) {
            v.add("actions", "must list at least one action");
        } else if (actions.size() > 10) {
            v.add("actions", "at most 10 actions");
        } else {
            for (int i = 0; i < actions.size(); i++) {
                validateAction(v, actions.get(i), "actions[" + i + "]");
            }
        }
    }

    private void validateTrigger(Validator v) {
        String type = trigger.type() == null ? EVENT : trigger.type();
        v.check(EVENT.equals(type) || ABSENCE.equals(type), "trigger.type", "must be 'event' or 'absence'");
        Match m = trigger.match();
        if (m == null || m.types() == null || m.types().isEmpty()) {
            v.add("trigger.match.types", "must list at least one event type (e.g. flow-run.failed)");
        } else {
            for (int i = 0; i < m.types().size(); i++) {
                String t = m.types().get(i);
                v.check(t != null && EventTypes.known(t), "trigger.match.types[" + i + "]",
                        "'" + t + "' is not an event type; known types are " + EventTypes.ALL);
            }
        }
        if (m != null && m.state() != null) {
            v.check(knownState(m.state()), "trigger.match.state", "'" + m.state() + "' is not a state type or name; "
                    + "use one of " + Arrays.toString(StateType.values()) + " or a state name such as Failed, TimedOut");
        }
        if (m != null && m.tags() != null) {
            v.check(m.tags().stream().allMatch(t -> t != null && !t.isBlank()), "trigger.match.tags",
                    "tags must not be blank");
        }
        Double window = trigger.withinSeconds();
        if (window != null) {
            v.check(window > 0 && window <= MAX_WINDOW_SECONDS, "trigger.withinSeconds",
                    "must be more than 0 and at most a year (" + (long) MAX_WINDOW_SECONDS + " s)");
        }
        if (ABSENCE.equals(type)) {
            v.check(window != null, "trigger.withinSeconds", "an absence trigger needs its window");
            v.check(trigger.threshold() == null, "trigger.threshold", "applies to event triggers only");
        } else if (trigger.threshold() != null) {
            v.check(trigger.threshold() >= 1 && trigger.threshold() <= 10_000, "trigger.threshold",
                    "must be between 1 and 10000");
            v.check(trigger.threshold() <= 1 || window != null, "trigger.withinSeconds",
                    "a threshold above 1 counts events within a window: give withinSeconds");
        }
    }

    private static void validateAction(Validator v, Action a, String path) {
        if (a == null || a.type() == null || !ACTION_TYPES.contains(a.type())) {
            v.add(path + ".type", "must be one of " + new java.util.TreeSet<>(ACTION_TYPES));
            return;
        }
        switch (a.type()) {
            case "run-deployment", "pause-deployment", "resume-deployment" ->
                    v.required(a.deployment(), path + ".deployment");
            case "pause-work-pool", "resume-work-pool" -> v.required(a.workPool(), path + ".workPool");
            case "cancel-run" -> v.required(a.run(), path + ".run");
            case "notify" -> v.required(a.target(), path + ".target");
            default -> {
            }
        }
        checkTemplate(v, a.run(), path + ".run");
        checkTemplate(v, a.message(), path + ".message");
        checkTemplate(v, a.deployment(), path + ".deployment");
        if (a.parameters() != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = a.parameters().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (p.getValue().isTextual()) {
                    checkTemplate(v, p.getValue().asText(), path + ".parameters." + p.getKey());
                }
            }
        }
        if (a.message() != null) {
            v.check(a.message().length() <= 4000, path + ".message", "must be at most 4000 characters");
        }
    }

    static void checkTemplate(Validator v, String template, String field) {
        if (template == null) {
            return;
        }
        List<String> unknown = Templates.unknownFields(template);
        v.check(unknown.isEmpty(), field, "refers to unknown template field(s) " + unknown + "; known fields are "
                + new java.util.TreeSet<>(Templates.FIELDS));
    }

    static boolean knownState(String state) {
        String upper = state.toUpperCase(Locale.ROOT);
        return Arrays.stream(StateType.values()).anyMatch(t -> t.name().equals(upper))
                || StateName.ofLabel(state).isPresent();
    }
}
