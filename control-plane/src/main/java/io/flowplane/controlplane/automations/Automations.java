package io.flowplane.controlplane.automations;

import io.dropwizard.lifecycle.Managed;
import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.cluster.Leadership;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.eventlog.EventFeed;
import io.flowplane.controlplane.eventlog.EventHousekeeping;
import io.flowplane.controlplane.eventlog.EventLog;
import io.flowplane.controlplane.eventlog.EventReader;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The event log, automations and notifications, built and wired in one place: the event log is
 * installed as the event sink of the ledger and of the services whose changes are events; the
 * evaluator and the action runner share one thread and the notifier has another, so neither the
 * run hot path nor evaluation ever waits for a webhook receiver.
 * <p>
 * With several replicas on one PostgreSQL all of this timer work runs on the leader only. The
 * evaluator alone would be safe anywhere (it locks its cursor row), but the action runner, the
 * notifier and the presence sweep read their due rows without claiming them: on every replica
 * they sent each webhook once per replica, raced on the firings' unique keys and recorded an
 * agent going offline twice. Claiming rows (FOR UPDATE SKIP LOCKED) would spread the work, but a
 * webhook POST inside a row lock holds a transaction open for as long as the receiver takes;
 * the leader needs no lock, and the events signal wakes it for events committed on any replica.
 * A failover overlap can repeat a notification (they are at least once, carrying the event id)
 * but not an action's effect (actions carry idempotency keys).
 */
public final class Automations implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Automations.class);
    /** How long a pass waits while no event automation is enabled (the first one may fire this much later). */
    private static final long IDLE_PASS_DELAY_MILLIS = 500;

    /** What the automations act through. */
    public record Collaborators(Store store, Clock clock, Json json, RunLedger ledger, DeploymentService deployments,
                                WorkPoolService pools, FlowRunService runs, AgentRegistry agents, Signals signals,
                                Leadership leadership) {
    }

    private final AutomationsConfiguration config;
    private final Clock clock;
    private final Leadership leadership;
    private final EventLog eventLog;
    private final EventReader reader;
    private final EventHousekeeping housekeeping;
    private final Evaluator evaluator;
    private final ActionRunner actions;
    private final Notifier notifier;
    private final AutomationService automations;
    private final NotificationService notifications;
    private final InboundWebhooks webhooks;
    private final ScheduledThreadPoolExecutor worker = executor("flowplane-automations");
    private final ScheduledThreadPoolExecutor sender = executor("flowplane-notifier");
    private final AtomicBoolean evaluationQueued = new AtomicBoolean();
    private final AtomicBoolean deliveryQueued = new AtomicBoolean();
    private volatile boolean running;

    public Automations(Collaborators c, AutomationsConfiguration config) {
        this.config = config;
        this.clock = c.clock();
        this.leadership = c.leadership();
        EventFeed feed = new EventFeed(c.signals());
        this.eventLog = new EventLog(c.clock(), c.json(), feed);
        this.reader = new EventReader(c.store(), feed);
        this.housekeeping = new EventHousekeeping(c.store(), c.clock(), eventLog, c.agents(),
                config.eventRetention.toJavaDuration());
        this.evaluator = new Evaluator(c.store(), c.clock(), c.json());
        Duration retry = config.retryDelay.toJavaDuration();
        this.notifier = new Notifier(c.store(), c.clock(), c.json(), retry, config.maxAttempts,
                config.webhookTimeout.toJavaDuration());
        this.actions = new ActionRunner(c.store(), c.clock(), c.json(),
                new ActionRunner.Targets(c.deployments(), c.pools(), c.runs(), notifier), retry, config.maxAttempts);
        this.automations = new AutomationService(c.store(), c.clock(), c.json(), c.deployments(), c.pools());
        this.notifications = new NotificationService(c.store(), c.clock());
        this.webhooks = new InboundWebhooks(c.store(), c.clock(), c.json(), eventLog);
        c.ledger().recordEventsTo(eventLog);
        c.deployments().recordEventsTo(eventLog);
        c.pools().recordEventsTo(eventLog);
        c.agents().recordEventsTo(eventLog);
        feed.subscribe(this::evaluateSoon);
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

    public AutomationService automations() {
        return automations;
    }

    public NotificationService notifications() {
        return notifications;
    }

    public InboundWebhooks webhooks() {
        return webhooks;
    }

    /** For tests: the evaluator (absence checks against the injected clock), the runner, the notifier. */
    public Evaluator evaluator() {
        return evaluator;
    }

    public ActionRunner actions() {
        return actions;
    }

    public Notifier notifier() {
        return notifier;
    }

    @Override
    public void start() {
        running = true;
        long presence = config.presenceInterval.toMilliseconds();
        worker.scheduleWithFixedDelay(() -> guarded("agent presence", leaderOnly(housekeeping::sweepPresence)), presence,
                presence, TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(() -> guarded("event retention", leaderOnly(housekeeping::trim)), 1, 60,
                TimeUnit.MINUTES);
        long every = config.evaluationInterval.toMilliseconds();
        worker.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
        sender.scheduleWithFixedDelay(this::deliver, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        // Never interrupt: these threads may be inside JDBC on an H2 file.
        worker.shutdown();
        sender.shutdown();
        worker.awaitTermination(15, TimeUnit.SECONDS);
        sender.awaitTermination(15, TimeUnit.SECONDS);
    }

    /**
     * A commit wrote events: evaluate them on the worker, once for any number of commits meanwhile.
     * While no event automation is enabled a pass only moves the cursor, so it waits a little and
     * serves every commit of that time (under load, one transaction instead of one per commit).
     */
    private void evaluateSoon() {
        if (running && evaluationQueued.compareAndSet(false, true)) {
            Runnable pass = () -> {
                evaluationQueued.set(false);
                evaluateAndAct(false);
            };
            if (evaluator.idle()) {
                schedule(worker, pass, IDLE_PASS_DELAY_MILLIS);
            } else {
                submit(worker, pass);
            }
        }
    }

    /** The periodic pass: absence triggers, and anything a restart or a retry delay left pending. */
    private void tick() {
        if (!leader()) {
            return;
        }
        guarded("absence check", evaluator::checkAbsence);
        evaluateAndAct(true);
    }

    /**
     * Evaluates new events; executes actions when something fired or on the periodic pass. A
     * commit that fired nothing costs one short transaction here, nothing more.
     */
    private void evaluateAndAct(boolean always) {
        if (!leader()) {
            return;
        }
        int fired = 0;
        try {
            fired = evaluator.evaluate();
        } catch (RuntimeException e) {
            LOG.warn("automation evaluation pass failed", e);
        }
        if (evaluator.stalled()) {
            schedule(worker, () -> evaluateAndAct(false), 200);
        }
        if (config.executeActions && (fired > 0 || always)) {
            runActions();
        }
    }

    private void runActions() {
        if (!leader()) {
            return;
        }
        int finished = 0;
        try {
            finished = actions.runDue();
        } catch (RuntimeException e) {
            LOG.warn("automation actions pass failed", e);
        }
        if (finished > 0) {
            deliverSoon();
        }
        wakeAt(worker, actions::nextDue, this::runActions);
    }

    private void deliverSoon() {
        if (running && deliveryQueued.compareAndSet(false, true)) {
            submit(sender, () -> {
                deliveryQueued.set(false);
                deliver();
            });
        }
    }

    private void deliver() {
        if (!leader()) {
            return;
        }
        guarded("notification delivery", notifier::deliverDue);
        wakeAt(sender, notifier::nextDue, this::deliverSoon);
    }

    /** Runs {@code task} when the earliest retry is due (by the injected clock, at most one interval away). */
    private void wakeAt(ScheduledExecutorService on, Supplier<Optional<Instant>> next, Runnable task) {
        Optional<Instant> due;
        try {
            due = next.get();
        } catch (RuntimeException e) {
            return;
        }
        due.ifPresent(at -> {
            long delay = Math.max(10, Duration.between(clock.instant(), at).toMillis());
            if (delay < config.evaluationInterval.toMilliseconds()) {
                schedule(on, task, delay);
            }
        });
    }

    private void submit(ScheduledExecutorService on, Runnable task) {
        try {
            on.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void schedule(ScheduledExecutorService on, Runnable task, long delayMillis) {
        if (!running) {
            return;
        }
        try {
            on.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** Whether this replica does the timer work now (see the class comment); false while that is unknown. */
    private boolean leader() {
        try {
            return leadership.isLeader();
        } catch (RuntimeException e) {
            LOG.warn("could not tell whether this replica leads: {}", e.getMessage());
            return false;
        }
    }

    private Supplier<Integer> leaderOnly(Supplier<Integer> task) {
        return () -> leader() ? task.get() : 0;
    }

    private static ScheduledThreadPoolExecutor executor(String name) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} pass failed", what, e);
        }
    }

    private static <T> void guarded(String what, Supplier<T> task) {
        guarded(what, (Runnable) task::get);
    }
}
