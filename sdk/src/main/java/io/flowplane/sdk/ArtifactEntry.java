package io.flowplane.sdk;

import java.util.UUID;

/** A published artifact: {@code type} is markdown, table or link; {@code data} is its content. */
public record ArtifactEntry(UUID taskRunId, String key, String type, String description, String data) {
}
