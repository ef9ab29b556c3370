package io.flowplane.controlplane.retention;

import io.flowplane.controlplane.cluster.Leadership;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link RunRetention} on the application's timer when a limit is configured, on the replica
 * that leads the background work (every pass is safe anywhere; one replica is enough).
 */
public final class RetentionTimer implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionTimer.class);

    private final RunRetention retention;
    private final ScheduledExecutorService timers;
    private final Leadership leadership;

    public RetentionTimer(RunRetention retention, ScheduledExecutorService timers, Leadership leadership) {
        this.retention = retention;
        this.timers = timers;
        this.leadership = leadership;
    }

    @Override
    public void start() {
        long every = retention.interval().toMillis();
        timers.scheduleWithFixedDelay(this::pass, every, every, TimeUnit.MILLISECONDS);
    }

    private void pass() {
        try {
            if (!leadership.isLeader()) {
                return;
            }
            RunRetention.Deleted d = retention.tick();
            if (d.runs() > 0) {
                LOG.info("retention deleted {} finished runs ({} states, {} task runs, {} log lines, {} artifacts)",
                        d.runs(), d.states(), d.taskRuns(), d.logLines(), d.artifacts());
            }
        } catch (RuntimeException e) {
            LOG.warn("run retention pass failed", e);
        }
    }
}
