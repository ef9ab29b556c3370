package io.flowplane.controlplane.automations;

import io.flowplane.controlplane.model.Automation;
import io.flowplane.controlplane.model.EventEntry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The values templates may use ({@link Templates#FIELDS}), taken from a firing's event. */
final class FiringContext {
    private FiringContext() {
    }

    static Map<String, String> of(Automation a, UUID firingId, String reason, EventMatch.Seen seen) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("automation.id", a.id().toString());
        c.put("automation.name", a.name());
        c.put("firing.id", firingId.toString());
        c.put("firing.reason", reason);
        if (seen != null) {
            EventEntry e = seen.entry();
            c.put("event.id", String.valueOf(e.id()));
            c.put("event.type", e.type());
            c.put("event.occurredAt", e.occurredAt().toString());
            c.put("event.resource.kind", e.resourceKind());
            c.put("event.resource.id", e.resourceId());
            put(c, "event.resource.name", e.resourceName());
            put(c, "event.run.id", e.runId() == null ? null : e.runId().toString());
            put(c, "event.run.name", "flow-run".equals(e.resourceKind()) ? e.resourceName() : null);
            put(c, "event.deployment.id", e.deploymentId() == null ? null : e.deploymentId().toString());
            put(c, "event.deployment.name", e.deploymentName());
            put(c, "event.flow.name", e.flowName());
            put(c, "event.pool.id", e.poolId() == null ? null : e.poolId().toString());
            put(c, "event.state.type", text(seen, "type"));
            put(c, "event.state.name", text(seen, "name"));
            put(c, "event.message", seen.payload().path("message").isTextual()
                    ? seen.payload().path("message").asText() : null);
            flatten(c, "event.payload", seen.payload());
        }
        return c;
    }

    /** Scalars of the payload as event.payload.a.b (an inbound webhook's body; a run event's state). */
    private static void flatten(Map<String, String> c, String prefix, com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(c, prefix + "." + e.getKey(), e.getValue()));
        } else if (node.isValueNode() && !node.isNull()) {
            c.put(prefix, node.asText());
        } else if (node.isArray()) {
            c.put(prefix, node.toString());
        }
    }

    private static String text(EventMatch.Seen seen, String field) {
        var node = seen.payload().path("state").path(field);
        return node.isTextual() ? node.asText() : null;
    }

    private static void put(Map<String, String> c, String key, String value) {
        if (value != null) {
            c.put(key, value);
        }
    }
}
