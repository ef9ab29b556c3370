package io.flowplane.sdk;

import java.time.Instant;
import java.util.UUID;

/** A captured log line; {@code taskRunId} is null for lines written by the flow outside tasks. */
public record LogEntry(UUID taskRunId, Instant at, Stream stream, String level, String message) {
    public enum Stream { STDOUT, STDERR, LOGGER }
}
