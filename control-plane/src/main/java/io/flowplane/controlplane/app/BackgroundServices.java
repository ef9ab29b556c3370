package io.flowplane.controlplane.app;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scheduler, the reaper and log retention on a timer. Stopping never interrupts a thread that may be
 * inside JDBC: an interrupt during H2's file I/O closes the database.
 */
final class BackgroundServices implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundServices.class);

    private final Services services;
    private final Duration reaperInterval;
    private final Duration schedulerInterval;
    private final ScheduledExecutorService timers;
    private final ExecutorService claimers;
    private final ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Threads.named("flowplane-scheduler"));

    BackgroundServices(Services services, Duration reaperInterval, Duration schedulerInterval,
                       ScheduledExecutorService timers, ExecutorService claimers) {
        this.services = services;
        this.reaperInterval = reaperInterval;
        this.schedulerInterval = schedulerInterval;
        this.timers = timers;
        this.claimers = claimers;
    }

    @Override
    public void start() {
        long every = reaperInterval.toMillis();
        timers.scheduleWithFixedDelay(() -> guarded("reaper", () -> services.reaper().tick()), every, every,
                TimeUnit.MILLISECONDS);
        long tick = schedulerInterval.toMillis();
        // Its own thread: a long materialisation must not delay the dispatcher's due-time timers.
        scheduler.scheduleWithFixedDelay(() -> guarded("scheduler", () -> services.scheduler().tick()), 0, tick,
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> guarded("log retention", () -> services.logRetention().tick()),
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

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} pass failed", what, e);
        }
    }
}
