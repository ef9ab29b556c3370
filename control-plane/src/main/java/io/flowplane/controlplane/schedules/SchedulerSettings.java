package io.flowplane.controlplane.schedules;

import java.time.Duration;

/**
 * How far ahead runs are materialised (at least {@code horizon} and {@code minRuns}, at most
 * {@code maxRuns} per schedule), when an unstarted run counts as late (and, for catch-up,
 * missed), and how many schedules one transaction handles.
 */
public record SchedulerSettings(Duration horizon, int minRuns, int maxRuns, Duration lateAfter, int batchSize) {

    /**
     * Ten minutes ahead and at least three runs: enough to show what comes next and to keep
     * dispatch independent of the scheduler's tick, without storing an hour of every frequent
     * schedule (10,000 one-minute crons held 750,000 runs with a one-hour horizon).
     */
    public static SchedulerSettings defaults() {
        return new SchedulerSettings(Duration.ofMinutes(10), 3, 100, Duration.ofSeconds(15), 500);
    }

    public SchedulerSettings withHorizon(Duration newHorizon) {
        return new SchedulerSettings(newHorizon, minRuns, maxRuns, lateAfter, batchSize);
    }

    /** Materialise a quarter horizon beyond the minimum, so a schedule is revisited every quarter horizon, not every tick. */
    Duration target() {
        return horizon.plus(horizon.dividedBy(4));
    }
}
