package io.flowplane.controlplane.automations;

import io.dropwizard.lifecycle.Managed;
import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.eventlog.EventFeed;
import io.flowplane.controlplane.eventlog.EventHousekeeping;
import io.flowplane.controlplane.eventlog.EventLog;
import io.flowplane.controlplane.eventlog.EventReader;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The event log, automations and notifications, built and wired in one place: the event log is
 * installed as the event sink of the ledger and of the services whose changes are events, and
 * the evaluator, action runner and notifier run on a thread of their own, off the run hot path.
 */
public final class Automations implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Automations.class);

    /** What the automations act through. */
    public record Collaborators(Store store, Clock clock, Json json, RunLedger ledger, DeploymentService deployments,
                                WorkPoolService pools, FlowRunService runs, AgentRegistry agents) {
    }

    private final AutomationsConfiguration config;
    private final EventLog eventLog;
    private final EventReader reader;
    private final EventHousekeeping housekeeping;
    private final ScheduledExecutorService worker =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "flowplane-automations");
                t.setDaemon(true);
                return t;
            });

    public Automations(Collaborators c, AutomationsConfiguration config) {
        this.config = config;
        EventFeed feed = new EventFeed();
        this.eventLog = new EventLog(c.clock(), c.json(), feed);
        this.reader = new EventReader(c.store(), feed);
        this.housekeeping = new EventHousekeeping(c.store(), c.clock(), eventLog, c.agents(),
                config.eventRetention.toJavaDuration());
        c.ledger().recordEventsTo(eventLog);
        c.deployments().recordEventsTo(eventLog);
        c.pools().recordEventsTo(eventLog);
        c.agents().recordEventsTo(eventLog);
    }

    public EventLog eventLog() {
        return eventLog;
    }

    public EventReader reader() {
        return reader;
    }

    public EventHousekeeping housekeeping() {
        return housekeeping;
    }

    @Override
    public void start() {
        long presence = config.presenceInterval.toMilliseconds();
        worker.scheduleWithFixedDelay(() -> guarded("agent presence", housekeeping::sweepPresence), presence, presence,
                TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(() -> guarded("event retention", housekeeping::trim), 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void stop() throws InterruptedException {
        // Never interrupt: the worker may be inside JDBC on an H2 file.
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} pass failed", what, e);
        }
    }
}
