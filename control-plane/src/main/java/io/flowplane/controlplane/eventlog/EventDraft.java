package io.flowplane.controlplane.eventlog;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An event before it is stored: type, the resource it is about and its related resources, and a
 * small payload (plain values only: never parameter values, never results, never secrets).
 */
public record EventDraft(String type, String resourceKind, String resourceId, String resourceName, UUID runId,
                         UUID deploymentId, String deploymentName, String flowName, UUID poolId, List<String> tags,
                         Map<String, Object> payload) {

    public static EventDraft of(String type, String kind, String id, String name, Map<String, Object> payload) {
        return new EventDraft(type, kind, id, name, null, null, null, null, null, List.of(), payload);
    }

    public EventDraft withDeployment(UUID id, String name, String flowName, UUID poolId) {
        return new EventDraft(type, resourceKind, resourceId, resourceName, runId, id, name, flowName, poolId, tags,
                payload);
    }
}
