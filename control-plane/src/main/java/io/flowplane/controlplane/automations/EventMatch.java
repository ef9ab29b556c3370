package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.eventlog.EventTypes;
import io.flowplane.controlplane.model.EventEntry;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Whether an event matches a trigger's pattern: a pure function of the two. */
final class EventMatch {
    private EventMatch() {
    }

    /** A stored event with its parsed payload and tags. */
    record Seen(EventEntry entry, JsonNode payload, List<String> tags) {
    }

    static boolean matches(AutomationSpec.Match m, Seen e) {
        EventEntry ev = e.entry();
        if (!typeMatches(m.types(), ev.type())) {
            return false;
        }
        if (m.deployment() != null && !m.deployment().equals(ev.deploymentName())
                && !(ev.deploymentId() != null && m.deployment().equals(ev.deploymentId().toString()))) {
            return false;
        }
        if (m.flow() != null && !m.flow().equals(ev.flowName())) {
            return false;
        }
        if (m.tags() != null && !e.tags().containsAll(m.tags())) {
            return false;
        }
        if (m.resourceId() != null && !m.resourceId().equals(ev.resourceId())) {
            return false;
        }
        if (m.resourceName() != null && !m.resourceName().equals(ev.resourceName())) {
            return false;
        }
        if (m.state() != null) {
            JsonNode state = e.payload().path("state");
            return m.state().equalsIgnoreCase(state.path("type").asText())
                    || m.state().equalsIgnoreCase(state.path("name").asText());
        }
        return true;
    }

    static boolean typeMatches(List<String> patterns, String type) {
        for (String p : patterns) {
            if (p.endsWith("*") ? type.startsWith(p.substring(0, p.length() - 1)) : p.equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** The exact types a pattern list covers (families expanded), for indexed reads. */
    static Set<String> expand(List<String> patterns) {
        Set<String> out = new TreeSet<>();
        for (String t : EventTypes.ALL) {
            if (typeMatches(patterns, t)) {
                out.add(t);
            }
        }
        return out;
    }
}
