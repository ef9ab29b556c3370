package io.flowplane.controlplane.audit;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Deletes audit events older than the retention, hourly, on the application's timer. */
public final class AuditRetention implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditLog log;
    private final Clock clock;
    private final Duration retention;
    private final ScheduledExecutorService timers;

    public AuditRetention(AuditLog log, Clock clock, Duration retention, ScheduledExecutorService timers) {
        this.log = log;
        this.clock = clock;
        this.retention = retention;
        this.timers = timers;
    }

    @Override
    public void start() {
        timers.scheduleWithFixedDelay(this::guardedTick, 2, 60, TimeUnit.MINUTES);
    }

    /** One pass; returns the events deleted. */
    public long tick() {
        long n = log.deleteBefore(clock.instant().minus(retention));
        if (n > 0) {
            LOG.info("audit retention deleted {} events older than {}", n, retention);
        }
        return n;
    }

    private void guardedTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("audit retention pass failed", e);
        }
    }
}
