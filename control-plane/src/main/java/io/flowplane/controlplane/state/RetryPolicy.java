package io.flowplane.controlplane.state;

import java.time.Duration;
import java.util.List;

/**
 * The server-side retry rule: a FAILED or CRASHED run with retries left goes back to
 * SCHEDULED/AwaitingRetry after a delay. Delays are a list; the last one repeats.
 */
public record RetryPolicy(int maxRetries, List<Duration> delays) {

    public static final RetryPolicy NONE = new RetryPolicy(0, List.of());

    public RetryPolicy {
        delays = List.copyOf(delays);
    }

    /** Whether a run that just ended {@code type} in {@code attempt} (1-based) is retried. */
    public boolean retries(StateType type, int attempt) {
        return (type == StateType.FAILED || type == StateType.CRASHED) && attempt <= maxRetries;
    }

    /** The delay before the attempt after {@code attempt}. */
    public Duration delayAfter(int attempt) {
        if (delays.isEmpty()) {
            return Duration.ZERO;
        }
        return delays.get(Math.min(attempt, delays.size()) - 1);
    }
}
