package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** A stored log line; {@code id} is its sequence, ascending per run. */
public record LogLine(Long id, UUID runId, UUID taskRunId, Instant at, String stream, String level,
                      String message) {
}
