package io.flowplane.sdk;

import io.flowplane.sdk.results.ResultRef;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * How one task run ended: its state, one start time per attempt (from the runner's clock), the
 * cache key, the result's reference in the result store and (in this process only) the value.
 */
public record TaskRunResult(UUID id, String taskKey, String name, State state, List<Instant> attemptStarts,
                            String cacheKey, ResultRef resultRef, Object value, String message, List<String> tags) {
    public int attempts() {
        return attemptStarts.size();
    }
}
