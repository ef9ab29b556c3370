package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/**
 * A log line of a flow run. {@code seq} is its sequence within the run (1, 2, 3, ...; gaps only
 * where retention deleted lines). {@code at} is when the source says the line was printed (the
 * agent's clock, informational), or when the control plane received it if the source did not say.
 */
public record LogLine(long seq, UUID runId, UUID taskRunId, Instant at, String stream, String level,
                      String message) {
}
