package io.flowplane.sdk.internal;

import io.flowplane.sdk.State;

import java.util.List;
import java.util.UUID;

/** A task run's reportable fields at one moment (no value: results never leave home). */
record TaskReport(UUID id, String taskKey, String name, State state, String message, String cacheKey,
                  String resultUri, String resultHash, int attempt, List<String> tags) {
}
