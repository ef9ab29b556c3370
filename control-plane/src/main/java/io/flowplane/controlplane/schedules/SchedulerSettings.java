package io.flowplane.controlplane.schedules;

import java.time.Duration;

/**
 * How far ahead runs are materialised (at least {@code horizon} and {@code minRuns}, at most
 * {@code maxRuns} per schedule), when an unstarted run counts as late (and, for catch-up,
 * missed), and how many schedules one transaction handles.
 */
public record SchedulerSettings(Duration horizon, int minRuns, int maxRuns, Duration lateAfter, int batchSize) {

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(Duration.ofHours(1), 3, 100, Duration.ofSeconds(15), 500);
    }

    /** Materialise a quarter horizon beyond the minimum, so a schedule is revisited every quarter horizon, not every tick. */
    Duration target() {
        return horizon.plus(horizon.dividedBy(4));
    }
}
