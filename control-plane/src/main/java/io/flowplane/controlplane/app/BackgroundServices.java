package io.flowplane.controlplane.app;

import io.flowplane.controlplane.services.Services;
import io.dropwizard.lifecycle.Managed;
import io.flowplane.controlplane.cluster.Leadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scheduler, the reaper and log retention on a timer, on the replica that leads (the only
 * one with H2; one of several on PostgreSQL, see {@link Leadership}). Stopping never interrupts a thread that may be
 * inside JDBC: an interrupt during H2's file I/O closes the database.
 */
final class BackgroundServices implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundServices.class);

    private final Services services;
    private final Duration reaperInterval;
    private final Duration schedulerInterval;
    private final ScheduledExecutorService timers;
    private final ExecutorService claimers;
    private final Leadership leadership;
    private final ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Threads.named("flowplane-scheduler"));

    BackgroundServices(Services services, Duration reaperInterval, Duration schedulerInterval,
                       ScheduledExecutorService timers, ExecutorService claimers, Leadership leadership) {
        this.services = services;
        this.reaperInterval = reaperInterval;
        this.schedulerInterval = schedulerInterval;
        this.timers = timers;
        this.claimers = claimers;
        this.leadership = leadership;
    }

    @Override
    public void start() {
        long every = reaperInterval.toMillis();
        timers.scheduleWithFixedDelay(() -> guarded("reaper", () -> services.background().reaper().tick()), every, every,
                TimeUnit.MILLISECONDS);
        long tick = schedulerInterval.toMillis();
        // Its own thread: a long materialisation must not delay the dispatcher's due-time timers.
        scheduler.scheduleWithFixedDelay(() -> guarded("scheduler", () -> services.background().scheduler().tick()), 0, tick,
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> guarded("log retention", () -> services.background().logRetention().tick()),
                1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void stop() throws InterruptedException {
        scheduler.shutdown();
        timers.shutdown();
        claimers.shutdown();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
        timers.awaitTermination(10, TimeUnit.SECONDS);
        claimers.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void guarded(String what, Runnable task) {
        try {
            if (leadership.isLeader()) {
                task.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} pass failed", what, e);
        }
    }
}
