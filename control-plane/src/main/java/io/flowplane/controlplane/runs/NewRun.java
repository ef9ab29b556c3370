package io.flowplane.controlplane.runs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run to create for a deployment. Parameters are already merged with the deployment's
 * defaults and validated; {@code scheduledAt} null means now.
 */
public record NewRun(UUID deploymentId, String name, String parametersJson, List<String> tags, Instant scheduledAt,
                     String idempotencyKey) {
}
