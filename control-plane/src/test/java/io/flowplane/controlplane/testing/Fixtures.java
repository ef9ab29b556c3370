package io.flowplane.controlplane.testing;

import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.DeploymentDao;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.WorkPoolDao;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rows for store tests, written with the DAOs directly. Names are unique per call, so tests can
 * share one database without seeing each other's pools, deployments and runs.
 */
public final class Fixtures {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Store store;
    private final Clock clock;

    public Fixtures(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A pool and its default queue (priority 1, no limit). */
    public record PoolWithQueue(WorkPool pool, WorkQueue queue) {
    }

    public PoolWithQueue pool() {
        return pool(null);
    }

    /** A pool with the given concurrency limit (null: unlimited) and a default queue. */
    public PoolWithQueue pool(Integer concurrencyLimit) {
        Instant now = clock.instant();
        WorkPool pool = new WorkPool(UUID.randomUUID(), unique("pool"), "process", null, concurrencyLimit, false,
                now, now, null);
        store.jdbi().useExtension(WorkPoolDao.class, d -> d.insert(pool));
        WorkQueue queue = queue(pool, WorkQueue.DEFAULT, 1, null);
        return new PoolWithQueue(pool, queue);
    }

    /** A queue of a pool with a priority (1 is served first) and a limit (null: unlimited). */
    public WorkQueue queue(WorkPool pool, String name, int priority, Integer concurrencyLimit) {
        Instant now = clock.instant();
        WorkQueue queue = new WorkQueue(UUID.randomUUID(), pool.id(), name, priority, concurrencyLimit, false, now,
                now);
        store.jdbi().useExtension(WorkPoolDao.class, d -> d.insertQueue(queue));
        return queue;
    }

    public WorkPool pausePool(WorkPool pool) {
        WorkPool paused = new WorkPool(pool.id(), pool.name(), pool.type(), pool.description(),
                pool.concurrencyLimit(), true, pool.createdAt(), clock.instant(), pool.baseJobTemplate());
        store.jdbi().useExtension(WorkPoolDao.class, d -> d.update(paused));
        return paused;
    }

    public WorkQueue pauseQueue(WorkQueue queue) {
        WorkQueue paused = new WorkQueue(queue.id(), queue.poolId(), queue.name(), queue.priority(),
                queue.concurrencyLimit(), true, queue.createdAt(), clock.instant());
        store.jdbi().useExtension(WorkPoolDao.class, d -> d.updateQueue(paused));
        return paused;
    }

    /** A deployment on a queue with an optional concurrency limit (null: unlimited). */
    public Deployment deployment(WorkQueue queue, Integer concurrencyLimit) {
        Instant now = clock.instant();
        String name = unique("deployment");
        Deployment deployment = new Deployment(UUID.randomUUID(), name, "flow-" + name, queue.poolId(), queue.id(),
                "{}", "0".repeat(64), concurrencyLimit, false, now, now);
        store.jdbi().useExtension(DeploymentDao.class, d -> d.insert(deployment));
        return deployment;
    }

    /** {@code n} runs of a new deployment (without a concurrency limit) on a queue, due now. */
    public List<FlowRun> scheduledRuns(WorkQueue queue, int n) {
        return scheduledRuns(queue, deployment(queue, null), n, clock.instant());
    }

    /** {@code n} ad-hoc runs (no deployment) on a queue, due now. */
    public List<FlowRun> adHocRuns(WorkQueue queue, int n) {
        return scheduledRuns(queue, null, n, clock.instant());
    }

    /** {@code n} runs on a queue (of a deployment, or ad-hoc if it is null), all due at {@code due}. */
    public List<FlowRun> scheduledRuns(WorkQueue queue, Deployment deployment, int n, Instant due) {
        List<FlowRun> runs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            runs.add(newRun(queue, deployment, due, 0, "[]"));
        }
        store.jdbi().useTransaction(h -> {
            FlowRunDao dao = h.attach(FlowRunDao.class);
            runs.forEach(dao::insert);
        });
        return runs;
    }

    /** One run due at {@code due} with a retry rule, inserted. */
    public FlowRun scheduledRun(WorkQueue queue, Deployment deployment, Instant due, int maxRetries,
                                String retryDelays) {
        FlowRun run = newRun(queue, deployment, due, maxRetries, retryDelays);
        store.jdbi().useExtension(FlowRunDao.class, d -> d.insert(run));
        return run;
    }

    private FlowRun newRun(WorkQueue queue, Deployment deployment, Instant due, int maxRetries,
                           String retryDelays) {
        Instant now = clock.instant();
        String flowName = deployment == null ? "adhoc-flow" : deployment.flowName();
        return new FlowRun(UUID.randomUUID(), unique("run"),
                new FlowRun.Origin(deployment == null ? null : deployment.id(),
                        deployment == null ? null : deployment.name(), flowName, null, null, null),
                new FlowRun.Placement(queue.poolId(), queue.id()), "{}", "[]",
                new FlowRun.State(StateType.SCHEDULED, "Scheduled", null, now), due, 1,
                new FlowRun.Policy(maxRetries, retryDelays, null), FlowRun.Lease.NONE,
                FlowRun.Times.planned(now, due, null), 0L);
    }

    private static String unique(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
