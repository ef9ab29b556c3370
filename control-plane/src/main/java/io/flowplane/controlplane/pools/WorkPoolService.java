package io.flowplane.controlplane.pools;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.pools.kubernetes.JobTemplate;
import io.flowplane.controlplane.ledger.SignalHooks;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.WorkPoolDao;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;

/** Work pools and their queues. A pool always has a "default" queue. */
public final class WorkPoolService {
    private static final Set<String> TYPES = Set.of("process", WorkPool.KUBERNETES);

    /**
     * Fields to create a pool or queue, or to change one (null: leave as is). {@code baseJobTemplate}:
     * a kubernetes pool's Job template ({@link JobTemplate}); absent at creation: the default.
     */
    public record PoolChange(String name, String type, String description, Integer concurrencyLimit, Boolean paused,
                             JsonNode baseJobTemplate) {
    }

    public record QueueChange(String name, Integer priority, Integer concurrencyLimit, Boolean paused) {
    }

    private final Store store;
    private final Clock clock;
    private final SignalHooks hooks;

    /** A pool or queue changed (resumed, limit raised) wakes the pool's polls through {@code hooks} after commit. */
    public WorkPoolService(Store store, Clock clock, SignalHooks hooks) {
        this.store = store;
        this.clock = clock;
        this.hooks = hooks;
    }

    private volatile io.flowplane.controlplane.eventlog.EventSink events =
            io.flowplane.controlplane.eventlog.EventSink.NONE;

    /** Where pausing and resuming a pool are recorded as events, in their own transaction. */
    public void recordEventsTo(io.flowplane.controlplane.eventlog.EventSink sink) {
        this.events = sink;
    }

    public WorkPool create(PoolChange c) {
        String type = c.type() == null ? "process" : c.type();
        Validator v = new Validator().name(c.name(), "name")
                .check(TYPES.contains(type), "type", "must be one of " + TYPES)
                .positiveOrNull(c.concurrencyLimit(), "concurrencyLimit")
                .check(c.description() == null || c.description().length() <= 2000, "description", "must be at most 2000 characters");
        String template = template(type, c.baseJobTemplate(), v);
        v.throwIfInvalid();
        Instant now = clock.instant();
        WorkPool pool = new WorkPool(UUID.randomUUID(), c.name(), type, c.description(), c.concurrencyLimit(),
                Boolean.TRUE.equals(c.paused()), now, now, template);
        return store.inTransaction(unit -> {
            WorkPoolDao dao = unit.handle().attach(WorkPoolDao.class);
            if (dao.findByName(c.name()).isPresent()) {
                throw new ConflictException("work pool '" + c.name() + "' already exists");
            }
            dao.insert(pool);
            dao.insertQueue(new WorkQueue(UUID.randomUUID(), pool.id(), WorkQueue.DEFAULT, 1, null, false, now, now));
            return pool;
        });
    }

    public WorkPool get(String name) {
        return store.withDao(WorkPoolDao.class, d -> d.findByName(name))
                .orElseThrow(() -> new NotFoundException("work pool", name));
    }

    /**
     * The pool's name from its name or its id: automations name pools either way (a template
     * such as {@code {{ event.pool.id }}} gives the id).
     */
    public String nameOf(String ref) {
        try {
            Optional<WorkPool> byId = store.withDao(WorkPoolDao.class, d -> d.find(UUID.fromString(ref)));
            if (byId.isPresent()) {
                return byId.get().name();
            }
        } catch (IllegalArgumentException notAnId) {
            // A name.
        }
        return get(ref).name();
    }

    public List<WorkPool> list() {
        return store.withDao(WorkPoolDao.class, WorkPoolDao::list);
    }

    public WorkPool update(String name, PoolChange c) {
        new Validator().positiveOrNull(c.concurrencyLimit(), "concurrencyLimit")
                .check(c.name() == null || c.name().equals(name), "name", "cannot be changed")
                .check(c.type() == null, "type", "cannot be changed")
                .check(c.description() == null || c.description().length() <= 2000, "description", "must be at most 2000 characters")
                .throwIfInvalid();
        return store.inTransaction(unit -> {
            WorkPoolDao dao = unit.handle().attach(WorkPoolDao.class);
            WorkPool p = dao.lockByName(name).orElseThrow(() -> new NotFoundException("work pool", name));
            String template = p.baseJobTemplate();
            if (c.baseJobTemplate() != null) {
                Validator v = new Validator();
                template = template(p.type(), c.baseJobTemplate(), v);
                v.throwIfInvalid();
            }
            WorkPool next = new WorkPool(p.id(), p.name(), p.type(),
                    c.description() == null ? p.description() : c.description(),
                    c.concurrencyLimit() == null ? p.concurrencyLimit() : c.concurrencyLimit(),
                    c.paused() == null ? p.paused() : c.paused(), p.createdAt(), clock.instant(), template);
            dao.update(next);
            hooks.in(unit).poolChanged(next.id());
            if (p.paused() != next.paused()) {
                events.record(unit, io.flowplane.controlplane.eventlog.EventDraft.of(next.paused()
                                ? io.flowplane.controlplane.eventlog.EventTypes.POOL_PAUSED
                                : io.flowplane.controlplane.eventlog.EventTypes.POOL_RESUMED, "work-pool",
                        next.id().toString(), next.name(), java.util.Map.of("name", next.name()))
                        .withDeployment(null, null, null, next.id()));
            }
            return next;
        });
    }

    /** A kubernetes pool's template, checked and normalized (JSON); null for other types, which take none. */
    private static String template(String type, JsonNode given, Validator v) {
        if (!WorkPool.KUBERNETES.equals(type)) {
            v.check(given == null || given.isNull(), "baseJobTemplate", "is only for pools of type kubernetes");
            return null;
        }
        JobTemplate.validate(given, "baseJobTemplate", v);
        return v.ok() ? JobTemplate.normalized(given).toString() : null;
    }

    /** Removes a pool that no deployment uses. */
    public void delete(String name) {
        store.useTransaction(unit -> {
            WorkPoolDao dao = unit.handle().attach(WorkPoolDao.class);
            WorkPool p = dao.lockByName(name).orElseThrow(() -> new NotFoundException("work pool", name));
            if (dao.deploymentsOnPool(p.id()) > 0) {
                throw new ConflictException("work pool '" + name + "' is used by deployments; delete or move them first");
            }
            dao.delete(p.id());
        });
    }

    public List<WorkQueue> queues(String pool) {
        WorkPool p = get(pool);
        return store.withDao(WorkPoolDao.class, d -> d.queues(p.id()));
    }

    public WorkQueue createQueue(String pool, QueueChange c) {
        new Validator().name(c.name(), "name")
                .check(c.priority() == null || c.priority() >= 1, "priority", "must be 1 (highest) or more")
                .positiveOrNull(c.concurrencyLimit(), "concurrencyLimit")
                .throwIfInvalid();
        WorkPool p = get(pool);
        Instant now = clock.instant();
        WorkQueue q = new WorkQueue(UUID.randomUUID(), p.id(), c.name(), c.priority() == null ? 1 : c.priority(),
                c.concurrencyLimit(), Boolean.TRUE.equals(c.paused()), now, now);
        store.useTransaction(unit -> {
            WorkPoolDao dao = unit.handle().attach(WorkPoolDao.class);
            if (dao.findQueue(p.id(), c.name()).isPresent()) {
                throw new ConflictException("work pool '" + pool + "' already has a queue '" + c.name() + "'");
            }
            dao.insertQueue(q);
        });
        return q;
    }

    public WorkQueue updateQueue(String pool, String queue, QueueChange c) {
        new Validator().check(c.priority() == null || c.priority() >= 1, "priority", "must be 1 (highest) or more")
                .positiveOrNull(c.concurrencyLimit(), "concurrencyLimit")
                .check(c.name() == null || c.name().equals(queue), "name", "cannot be changed")
                .throwIfInvalid();
        WorkPool p = get(pool);
        return store.inTransaction(unit -> {
            WorkPoolDao dao = unit.handle().attach(WorkPoolDao.class);
            WorkQueue q = dao.findQueue(p.id(), queue).orElseThrow(() -> new NotFoundException("work queue", pool + "/" + queue));
            WorkQueue next = new WorkQueue(q.id(), q.poolId(), q.name(), c.priority() == null ? q.priority() : c.priority(),
                    c.concurrencyLimit() == null ? q.concurrencyLimit() : c.concurrencyLimit(),
                    c.paused() == null ? q.paused() : c.paused(), q.createdAt(), clock.instant());
            dao.updateQueue(next);
            hooks.in(unit).poolChanged(p.id());
            return next;
        });
    }

    public void deleteQueue(String pool, String queue) {
        if (WorkQueue.DEFAULT.equals(queue)) {
            throw new ConflictException("the default queue cannot be deleted");
        }
        WorkPool p = get(pool);
        store.useTransaction(unit -> {
            WorkPoolDao dao = unit.handle().attach(WorkPoolDao.class);
            WorkQueue q = dao.findQueue(p.id(), queue).orElseThrow(() -> new NotFoundException("work queue", pool + "/" + queue));
            if (dao.deploymentsOnQueue(q.id()) > 0) {
                throw new ConflictException("queue '" + queue + "' is used by deployments; move them first");
            }
            dao.deleteQueue(q.id());
        });
    }
}
