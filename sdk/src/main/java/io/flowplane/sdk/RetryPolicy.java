package io.flowplane.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * How a task retries: how many times, the delay before each retry (fixed, a list, or exponential
 * backoff), random jitter on the delay, and which failures are worth retrying. Immutable.
 */
public final class RetryPolicy {
    public static final RetryPolicy NONE = new RetryPolicy(0, n -> Duration.ZERO, 0, t -> true);

    private final int retries;
    private final IntFunction<Duration> delayBeforeRetry;
    private final double jitter;
    private final Predicate<Throwable> retryOn;

    private RetryPolicy(int retries, IntFunction<Duration> delayBeforeRetry, double jitter, Predicate<Throwable> retryOn) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
        this.retries = retries;
        this.delayBeforeRetry = delayBeforeRetry;
        this.jitter = jitter;
        this.retryOn = retryOn;
    }

    /** {@code retries} retries, each after the same delay. */
    public static RetryPolicy fixed(int retries, Duration delay) {
        Objects.requireNonNull(delay);
        return new RetryPolicy(retries, n -> delay, 0, t -> true);
    }

    /** One retry per delay, in order: {@code delays(1s, 10s, 60s)} retries three times. */
    public static RetryPolicy delays(Duration... delays) {
        List<Duration> list = List.of(delays);
        return new RetryPolicy(list.size(), n -> list.get(n - 1), 0, t -> true);
    }

    /** Delays base, base×factor, base×factor², … capped at {@code max}. */
    public static RetryPolicy exponential(int retries, Duration base, double factor, Duration max) {
        return new RetryPolicy(retries, n -> {
            double nanos = base.toNanos() * Math.pow(factor, n - 1);
            return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
        }, 0, t -> true);
    }

    /**
     * Spreads each delay uniformly over ±{@code factor} of itself (0.2: 80 %–120 %), so many runs
     * failing together do not retry in lockstep.
     */
    public RetryPolicy withJitter(double factor) {
        if (factor < 0 || factor > 1) {
            throw new IllegalArgumentException("jitter factor must be within [0, 1]");
        }
        return new RetryPolicy(retries, delayBeforeRetry, factor, retryOn);
    }

    /** Retries only failures the predicate accepts; others fail the task run at once. */
    public RetryPolicy retryOn(Predicate<Throwable> predicate) {
        return new RetryPolicy(retries, delayBeforeRetry, jitter, predicate);
    }

    /** Retries only failures that are instances of one of these types. */
    @SafeVarargs
    public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
        List<Class<? extends Throwable>> list = List.of(types);
        return retryOn(t -> list.stream().anyMatch(c -> c.isInstance(t)));
    }

    public int retries() {
        return retries;
    }

    public boolean shouldRetry(Throwable failure, int attemptsSoFar) {
        return attemptsSoFar <= retries && retryOn.test(failure);
    }

    /** The delay before retry number {@code retry} (1-based), jitter applied with {@code random} in [0, 1). */
    public Duration delayBefore(int retry, DoubleSupplier random) {
        Duration base = delayBeforeRetry.apply(retry);
        if (jitter == 0 || base.isZero()) {
            return base;
        }
        double scale = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos(Math.round(base.toNanos() * scale));
    }

    /** The same with {@link ThreadLocalRandom}. */
    public Duration delayBefore(int retry) {
        return delayBefore(retry, () -> ThreadLocalRandom.current().nextDouble());
    }
}
