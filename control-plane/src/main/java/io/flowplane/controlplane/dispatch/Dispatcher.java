package io.flowplane.controlplane.dispatch;

import io.flowplane.controlplane.runs.Signals;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Long-poll dispatch. A poll claims due runs at once; if there are none it waits until its pool
 * is signalled (a run created, a slot freed, a pool resumed), until the pool's next run becomes
 * due (a timer set from the store), or until its wait passes. Each poll is answered exactly once.
 */
public final class Dispatcher implements Signals.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ClaimService claims;
    private final Store store;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final ExecutorService claimers;
    private final Map<UUID, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final Map<UUID, DueWake> dueWakes = new ConcurrentHashMap<>();
    // Bumped by every signal; a poll that saw a different value after it started waiting missed
    // a wake-up and tries again at once.
    private final AtomicLong generation = new AtomicLong();

    public Dispatcher(ClaimService claims, Store store, Clock clock, ScheduledExecutorService timers,
                      ExecutorService claimers) {
        this.claims = claims;
        this.store = store;
        this.clock = clock;
        this.timers = timers;
        this.claimers = claimers;
    }

    /** A waiting poll; {@link #cancel()} when the caller goes away. */
    public interface PendingPoll {
        void cancel();
    }

    /**
     * Claims for {@code request} now or when work arrives within {@code wait}; {@code reply}
     * is called exactly once, with the claimed runs (possibly none).
     *
     * @throws io.flowplane.controlplane.common.NotFoundException if the pool does not exist
     */
    public PendingPoll poll(ClaimService.ClaimRequest request, Duration wait,
                            Consumer<List<ClaimService.Claimed>> reply) {
        long seen = generation.get();
        ClaimService.ClaimResult first = claims.claim(request);
        if (!first.runs().isEmpty() || wait.isZero() || wait.isNegative()) {
            reply.accept(first.runs());
            return () -> { };
        }
        Waiter waiter = new Waiter(first.poolId(), request, reply);
        waiting.computeIfAbsent(first.poolId(), p -> ConcurrentHashMap.newKeySet()).add(waiter);
        waiter.timeout = timers.schedule(() -> finish(waiter, List.of()), wait.toMillis(), TimeUnit.MILLISECONDS);
        if (generation.get() != seen) {
            claimers.execute(() -> attempt(waiter));
        } else {
            armDueWake(first.poolId());
        }
        return () -> {
            // The caller went away: no later attempt may claim runs for it.
            synchronized (waiter) {
                waiter.done = true;
            }
            remove(waiter);
            waiter.timeout.cancel(false);
        };
    }

    @Override
    public void poolChanged(UUID poolId) {
        generation.incrementAndGet();
        wake(poolId);
    }

    /** "Tick now": every waiting poll tries to claim again (tests call this after moving the clock). */
    public void wakeAll() {
        generation.incrementAndGet();
        waiting.keySet().forEach(this::wake);
    }

    public int waitingPolls() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    private void wake(UUID poolId) {
        Set<Waiter> waiters = waiting.get(poolId);
        if (waiters != null) {
            waiters.forEach(w -> claimers.execute(() -> attempt(w)));
        }
    }

    private void attempt(Waiter waiter) {
        synchronized (waiter) {
            if (waiter.done) {
                return;
            }
            try {
                ClaimService.ClaimResult result = claims.claim(waiter.request);
                if (!result.runs().isEmpty()) {
                    finish(waiter, result.runs());
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("claim for waiting poll on pool {} failed", waiter.request.pool(), e);
            }
        }
        armDueWake(waiter.poolId);
    }

    private void finish(Waiter waiter, List<ClaimService.Claimed> runs) {
        synchronized (waiter) {
            if (waiter.done) {
                return;
            }
            waiter.done = true;
        }
        remove(waiter);
        if (waiter.timeout != null) {
            waiter.timeout.cancel(false);
        }
        waiter.reply.accept(runs);
    }

    private void remove(Waiter waiter) {
        Set<Waiter> waiters = waiting.get(waiter.poolId);
        if (waiters != null) {
            waiters.remove(waiter);
        }
    }

    /** Sets a timer for the pool's next due run, unless an earlier one is already set. */
    private void armDueWake(UUID poolId) {
        Instant now = clock.instant();
        Optional<Instant> next = store.jdbi().withExtension(FlowRunDao.class, d -> d.nextDue(poolId, now));
        if (next.isEmpty()) {
            return;
        }
        Instant due = next.get();
        dueWakes.compute(poolId, (id, current) -> {
            if (current != null && !current.future.isDone() && !current.at.isAfter(due)) {
                return current;
            }
            if (current != null) {
                current.future.cancel(false);
            }
            long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
            return new DueWake(due, timers.schedule(() -> poolChanged(poolId), delay, TimeUnit.MILLISECONDS));
        });
    }

    private record DueWake(Instant at, ScheduledFuture<?> future) {
    }

    private static final class Waiter {
        final UUID poolId;
        final ClaimService.ClaimRequest request;
        final Consumer<List<ClaimService.Claimed>> reply;
        volatile ScheduledFuture<?> timeout;
        boolean done;

        Waiter(UUID poolId, ClaimService.ClaimRequest request, Consumer<List<ClaimService.Claimed>> reply) {
            this.poolId = poolId;
            this.request = request;
            this.reply = reply;
        }
    }
}
