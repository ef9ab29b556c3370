package io.flowplane.agent.connection;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: after the n-th failure in a row, wait a random time in
 * [0, min(max, initial * 2^n)]. Jitter keeps many agents from reconnecting to a restarted control
 * plane in lockstep. Not thread-safe: one per loop.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** The pause before the next attempt; counts a failure. */
    public Duration next() {
        double ceiling = Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, Math.min(failures, 30)));
        failures++;
        return Duration.ofMillis(Math.max(1, (long) (ThreadLocalRandom.current().nextDouble() * ceiling)));
    }

    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
