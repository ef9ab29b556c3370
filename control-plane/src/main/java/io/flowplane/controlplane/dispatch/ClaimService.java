package io.flowplane.controlplane.dispatch;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.RunStateMachine;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.ClaimDao;
import io.flowplane.controlplane.store.DeploymentDao;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.WorkPoolDao;
import io.flowplane.controlplane.common.NotFoundException;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Claims due runs for an agent: never more than its free slots, within the pool's, each queue's
 * and each deployment's concurrency limit, highest-priority queue first, earliest due first.
 */
public final class ClaimService {

    /** What an agent asks for. An empty queue list means every queue of the pool. */
    public record ClaimRequest(String agentId, String pool, List<String> queues, int maxRuns) {
    }

    /** A claimed run with its deployment (null for an ad-hoc run without one). */
    public record Claimed(FlowRun run, Deployment deployment) {
    }

    /** The runs claimed (possibly none) and the pool they were claimed from. */
    public record ClaimResult(UUID poolId, List<Claimed> runs) {
    }

    private final Store store;
    private final Clock clock;
    private final Duration leaseDuration;
    private final Timer latency;
    private final Meter claimed;

    public ClaimService(Store store, Clock clock, Duration leaseDuration, MetricRegistry metrics) {
        this.store = store;
        this.clock = clock;
        this.leaseDuration = leaseDuration;
        this.latency = metrics.timer("flowplane.claims.latency");
        this.claimed = metrics.meter("flowplane.runs.claimed");
    }

    /** @throws NotFoundException if the pool does not exist */
    public ClaimResult claim(ClaimRequest request) {
        try (Timer.Context ignored = latency.time()) {
            ClaimResult result = store.jdbi().inTransaction(h -> claim(h, request));
            claimed.mark(result.runs().size());
            return result;
        }
    }

    private ClaimResult claim(Handle h, ClaimRequest request) {
        WorkPool pool = h.attach(WorkPoolDao.class).lockByName(request.pool())
                .orElseThrow(() -> new NotFoundException("work pool", request.pool()));
        if (pool.paused() || request.maxRuns() <= 0) {
            return new ClaimResult(pool.id(), List.of());
        }
        Instant now = clock.instant();
        Slots slots = Slots.load(h, pool);
        int budget = Math.min(request.maxRuns(), slots.poolFree());
        List<UUID> chosen = new ArrayList<>();
        for (WorkQueue queue : queuesToServe(h, pool, request.queues())) {
            if (budget <= 0) {
                break;
            }
            int queueBudget = Math.min(budget, slots.queueFree(queue));
            if (queueBudget <= 0) {
                continue;
            }
            // Ask for a few more than needed: some may belong to a deployment that fills up
            // within this very claim.
            List<ClaimDao.Candidate> candidates = store.claimDao()
                    .dueCandidates(h, queue.id(), now, slots.saturatedDeployments(), (int) Math.min(1000, queueBudget * 2L + 8));
            for (ClaimDao.Candidate c : candidates) {
                if (queueBudget == 0) {
                    break;
                }
                if (slots.takeDeploymentSlot(c.deploymentId())) {
                    chosen.add(c.id());
                    queueBudget--;
                    budget--;
                }
            }
        }
        RunStateMachine.check(StateType.SCHEDULED, StateType.PENDING, Actor.CLAIM);
        List<FlowRun> runs = store.claimDao().claim(h, chosen, request.agentId(), now, now.plus(leaseDuration));
        h.attach(FlowRunDao.class).insertStates(runs.stream()
                .map(r -> new RunStateRecord(null, r.id(), StateType.PENDING, r.stateName(), null, Actor.CLAIM,
                        r.attempt(), now, null))
                .toList());
        return new ClaimResult(pool.id(), withDeployments(h, runs));
    }

    private static List<WorkQueue> queuesToServe(Handle h, WorkPool pool, Collection<String> requested) {
        Set<String> names = new HashSet<>(requested);
        return h.attach(WorkPoolDao.class).queues(pool.id()).stream()
                .filter(q -> !q.paused())
                .filter(q -> names.isEmpty() || names.contains(q.name()))
                .toList();
    }

    private static List<Claimed> withDeployments(Handle h, List<FlowRun> runs) {
        Set<UUID> ids = runs.stream().map(FlowRun::deploymentId).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
        Map<UUID, Deployment> deployments = ids.isEmpty() ? Map.of()
                : h.attach(DeploymentDao.class).findAll(ids).stream()
                .collect(Collectors.toMap(Deployment::id, Function.identity()));
        return runs.stream()
                .map(r -> new Claimed(r, r.deploymentId() == null ? null : deployments.get(r.deploymentId())))
                .toList();
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

        static Slots load(Handle h, WorkPool pool) {
            Map<UUID, Integer> deploymentLimits = new HashMap<>();
            Map<UUID, Integer> queueLimits = new HashMap<>();
            h.attach(DeploymentDao.class).limitsInPool(pool.id())
                    .forEach(l -> deploymentLimits.put(l.id(), l.concurrencyLimit()));
            h.attach(WorkPoolDao.class).queues(pool.id()).stream().filter(q -> q.concurrencyLimit() != null)
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
