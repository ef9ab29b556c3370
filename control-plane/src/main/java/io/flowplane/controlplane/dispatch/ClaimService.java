package io.flowplane.controlplane.dispatch;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.ledger.Claims;
import io.flowplane.controlplane.store.ClaimDao;
import io.flowplane.controlplane.store.DeploymentDao;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;
import io.flowplane.controlplane.store.WorkPoolDao;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.ops.OpsMetrics;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Claims due runs for an agent: never more than its free slots, within the pool's, each queue's
 * and each deployment's concurrency limit, highest-priority queue first, earliest due first. This
 * class chooses (under the pool's lock); the ledger's {@link Claims} moves the chosen runs.
 */
public final class ClaimService implements ClaimSource {

    /** What an agent asks for. An empty queue list means every queue of the pool. */
    public record ClaimRequest(String agentId, String pool, List<String> queues, int maxRuns) {
    }

    /** A claimed run with its deployment (null for an ad-hoc run without one). */
    /**
     * A claimed run, its deployment, and the pool's Job template when the pool is of type
     * kubernetes (null otherwise), read with the pool's lock: the reply needs no lookup of its own.
     */
    public record Claimed(FlowRun run, Deployment deployment, String jobTemplate) {
    }

    /** The runs claimed (possibly none) and the pool they were claimed from. */
    public record ClaimResult(UUID poolId, List<Claimed> runs) {
    }

    private final Store store;
    private final Clock clock;
    private final Claims ledger;
    private final Timer latency;
    private final Meter claimed;
    private final OpsMetrics ops;

    public ClaimService(Store store, Clock clock, Claims ledger, MetricRegistry metrics) {
        this(store, clock, ledger, metrics, OpsMetrics.NONE);
    }

    public ClaimService(Store store, Clock clock, Claims ledger, MetricRegistry metrics, OpsMetrics ops) {
        this.ops = ops;
        this.store = store;
        this.clock = clock;
        this.ledger = ledger;
        this.latency = metrics.timer("flowplane.claims.latency");
        this.claimed = metrics.meter("flowplane.runs.claimed");
    }

    /** @throws NotFoundException if the pool does not exist */
    public ClaimResult claim(ClaimRequest request) {
        Batch batch = claimAll(request.pool(), List.of(request));
        return new ClaimResult(batch.poolId(), batch.runs().get(0));
    }

    @Override
    public UUID poolId(String pool) {
        return store.withDao(WorkPoolDao.class, d -> d.findByName(pool))
                .orElseThrow(() -> new NotFoundException("work pool", pool)).id();
    }

    @Override
    public Optional<Instant> nextDue(UUID poolId, Instant now) {
        return store.nextDue(poolId, now);
    }

    /**
     * Whether any queue of the pool has a due run, read without locking or writing anything. A
     * claim pass starts with it unless the pass before it got all it asked for: most passes are
     * woken by a freed slot or an agent's new poll when nothing is due, and a read costs a
     * fraction of the locking transaction (whose commit a run created meanwhile would otherwise
     * queue behind).
     */
    @Override
    public boolean anyDue(UUID poolId) {
        Instant now = clock.instant();
        return store.anyDue(poolId, now);
    }

    /** What one claim transaction gave several requests: {@code runs.get(i)} answers request i. */
    public record Batch(UUID poolId, List<List<Claimed>> runs) {
    }

    /**
     * Claims for several requests on one pool in one transaction, earlier requests first. Held
     * polls are answered this way: the pool's lock, its limits and the commit are paid once per
     * batch instead of once per poll, which is what lets a busy pool claim thousands of runs a
     * second.
     *
     * @throws NotFoundException if the pool does not exist
     */
    @Override
    public Batch claimAll(String pool, List<ClaimRequest> requests) {
        long started = System.nanoTime();
        try (Timer.Context ignored = latency.time()) {
            Batch batch = store.inTransaction(unit -> claimAll(unit, pool, requests));
            claimed.mark(batch.runs().stream().mapToInt(List::size).sum());
            observe(pool, batch, Duration.ofNanos(System.nanoTime() - started));
            return batch;
        }
    }

    /** Claim time, and for first attempts how long they waited past their due time. */
    private void observe(String pool, Batch batch, Duration took) {
        ops.claimed(took);
        Instant now = clock.instant();
        for (List<Claimed> runs : batch.runs()) {
            for (Claimed c : runs) {
                FlowRun.Times t = c.run().times();
                if (c.run().attempt() <= 1) {
                    Instant due = t.scheduledAt() == null || t.scheduledAt().isBefore(t.createdAt())
                            ? t.createdAt() : t.scheduledAt();
                    ops.dispatched(pool, Duration.between(due, now));
                }
            }
        }
    }

    private Batch claimAll(UnitOfWork unit, String poolName, List<ClaimRequest> requests) {
        Handle h = unit.handle();
        WorkPool pool = WorkPoolDao.lockByNameOn(h, poolName)
                .orElseThrow(() -> new NotFoundException("work pool", poolName));
        List<List<UUID>> chosen = new ArrayList<>();
        requests.forEach(r -> chosen.add(new ArrayList<>()));
        if (!pool.paused()) {
            Instant now = clock.instant();
            List<WorkQueue> queues = WorkPoolDao.queuesOn(h, pool.id());
            Slots slots = Slots.load(h, pool, queues);
            choose(h, requests, queues, slots, now, chosen);
        }
        String template = io.flowplane.controlplane.model.WorkPool.KUBERNETES.equals(pool.type()) ? pool.baseJobTemplate() : null;
        return new Batch(pool.id(), claimChosen(unit, requests, chosen, template));
    }

    /**
     * Picks due runs for every request. Requests asking for the same queues are served from one
     * candidate query, handed out in request order.
     */
    private void choose(Handle h, List<ClaimRequest> requests, List<WorkQueue> queues, Slots slots, Instant now,
                        List<List<UUID>> chosen) {
        Map<Set<String>, List<Integer>> byQueues = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            byQueues.computeIfAbsent(Set.copyOf(requests.get(i).queues()), k -> new ArrayList<>()).add(i);
        }
        int budget = slots.poolFree();
        Set<UUID> taken = new HashSet<>();
        for (var group : byQueues.entrySet()) {
            long demand = group.getValue().stream().mapToLong(i -> Math.max(0, requests.get(i).maxRuns())).sum();
            List<UUID> ids = chooseFromQueues(h, serve(queues, group.getKey()), (int) Math.min(budget, demand), slots,
                    now, taken);
            budget -= ids.size();
            int next = 0;
            for (int i : group.getValue()) {
                int take = Math.min(Math.max(0, requests.get(i).maxRuns()), ids.size() - next);
                chosen.get(i).addAll(ids.subList(next, next + take));
                next += take;
            }
        }
    }

    /** Chooses up to {@code budget} due runs not yet {@code taken} (by an earlier group of this claim), and takes them. */
    private List<UUID> chooseFromQueues(Handle h, List<WorkQueue> queues, int budget, Slots slots, Instant now,
                                        Set<UUID> taken) {
        List<UUID> chosen = new ArrayList<>();
        for (WorkQueue queue : queues) {
            if (budget <= 0) {
                break;
            }
            int queueBudget = Math.min(budget, slots.queueFree(queue));
            if (queueBudget <= 0) {
                continue;
            }
            // Ask for a few more than needed: some may belong to a deployment that fills up
            // within this very claim, and runs an earlier group took are still due in the store.
            List<ClaimDao.Candidate> candidates = store.claimDao().dueCandidates(h, queue.id(), now,
                    slots.saturatedDeployments(), (int) Math.min(5000, queueBudget * 2L + 8 + taken.size()));
            for (ClaimDao.Candidate c : candidates) {
                if (queueBudget == 0) {
                    break;
                }
                if (!taken.contains(c.id()) && slots.takeDeploymentSlot(c.deploymentId())) {
                    taken.add(c.id());
                    chosen.add(c.id());
                    slots.takeQueueSlot(queue);
                    queueBudget--;
                    budget--;
                }
            }
        }
        return chosen;
    }

    /** The ledger's claim (one statement per agent), then one deployment lookup. */
    private List<List<Claimed>> claimChosen(UnitOfWork unit, List<ClaimRequest> requests, List<List<UUID>> chosen,
                                            String jobTemplate) {
        Map<String, List<UUID>> byAgent = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            byAgent.computeIfAbsent(requests.get(i).agentId(), a -> new ArrayList<>()).addAll(chosen.get(i));
        }
        // Each id was chosen for one request only, so a moved run answers exactly the request it was chosen for.
        Map<UUID, FlowRun> moved = byAgent.values().stream().allMatch(List::isEmpty) ? Map.of()
                : ledger.claim(unit, byAgent);
        Map<UUID, Deployment> deployments = deployments(unit.handle(), moved.values());
        List<List<Claimed>> out = new ArrayList<>();
        for (List<UUID> ids : chosen) {
            out.add(ids.stream().map(moved::get).filter(java.util.Objects::nonNull)
                    .map(r -> new Claimed(r, r.origin().deploymentId() == null ? null
                            : deployments.get(r.origin().deploymentId()), jobTemplate))
                    .toList());
        }
        return out;
    }

    private static List<WorkQueue> serve(List<WorkQueue> queues, Collection<String> requested) {
        return queues.stream()
                .filter(q -> !q.paused())
                .filter(q -> requested.isEmpty() || requested.contains(q.name()))
                .toList();
    }

    private static Map<UUID, Deployment> deployments(Handle h, Collection<FlowRun> runs) {
        Set<UUID> ids = runs.stream().map(r -> r.origin().deploymentId()).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
        return ids.isEmpty() ? Map.of()
                : DeploymentDao.findAllOn(h, ids).stream()
                .collect(Collectors.toMap(Deployment::id, Function.identity()));
    }

    /** Free slots in a pool at the moment of the claim, taken as runs are chosen. */
    private static final class Slots {
        private final int poolFree;
        private final Map<UUID, Integer> queueActive = new HashMap<>();
        private final Map<UUID, Integer> deploymentActive = new HashMap<>();
        private final Map<UUID, Integer> deploymentLimits = new HashMap<>();
        private final Map<UUID, Integer> queueLimits = new HashMap<>();

        private Slots(int poolFree) {
            this.poolFree = poolFree;
        }

        static Slots load(Handle h, WorkPool pool, List<WorkQueue> queues) {
            Map<UUID, Integer> deploymentLimits = new HashMap<>();
            Map<UUID, Integer> queueLimits = new HashMap<>();
            DeploymentDao.limitsInPoolOn(h, pool.id())
                    .forEach(l -> deploymentLimits.put(l.id(), l.concurrencyLimit()));
            queues.stream().filter(q -> q.concurrencyLimit() != null)
                    .forEach(q -> queueLimits.put(q.id(), q.concurrencyLimit()));
            // Counting the pool's active runs (a scan of every claimed and running run) is only
            // needed when some limit applies; without one, every claim skips it.
            boolean limited = pool.concurrencyLimit() != null || !queueLimits.isEmpty() || !deploymentLimits.isEmpty();
            List<FlowRunDao.ActiveCount> active = limited ? h.attach(FlowRunDao.class).activeInPool(pool.id()) : List.of();
            int total = active.stream().mapToInt(FlowRunDao.ActiveCount::runs).sum();
            int poolFree = pool.concurrencyLimit() == null ? Integer.MAX_VALUE : Math.max(0, pool.concurrencyLimit() - total);
            Slots slots = new Slots(poolFree);
            slots.deploymentLimits.putAll(deploymentLimits);
            slots.queueLimits.putAll(queueLimits);
            for (FlowRunDao.ActiveCount c : active) {
                slots.queueActive.merge(c.queueId(), c.runs(), Integer::sum);
                if (c.deploymentId() != null) {
                    slots.deploymentActive.merge(c.deploymentId(), c.runs(), Integer::sum);
                }
            }
            return slots;
        }

        int poolFree() {
            return poolFree;
        }

        int queueFree(WorkQueue queue) {
            Integer limit = queueLimits.get(queue.id());
            return limit == null ? Integer.MAX_VALUE : Math.max(0, limit - queueActive.getOrDefault(queue.id(), 0));
        }

        Set<UUID> saturatedDeployments() {
            Set<UUID> full = new HashSet<>();
            deploymentLimits.forEach((id, limit) -> {
                if (deploymentActive.getOrDefault(id, 0) >= limit) {
                    full.add(id);
                }
            });
            return full;
        }

        void takeQueueSlot(WorkQueue queue) {
            queueActive.merge(queue.id(), 1, Integer::sum);
        }

        boolean takeDeploymentSlot(UUID deploymentId) {
            Integer limit = deploymentId == null ? null : deploymentLimits.get(deploymentId);
            if (limit == null) {
                return true;
            }
            int active = deploymentActive.getOrDefault(deploymentId, 0);
            if (active >= limit) {
                return false;
            }
            deploymentActive.put(deploymentId, active + 1);
            return true;
        }
    }
}
