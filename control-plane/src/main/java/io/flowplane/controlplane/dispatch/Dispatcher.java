package io.flowplane.controlplane.dispatch;

import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.signals.Signals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Long-poll dispatch. Every poll joins its pool's lane; a lane runs claim passes one at a time,
 * and each pass claims for every poll waiting in it in one transaction (group commit). A pass
 * runs when a poll arrives, when the pool is signalled (a run created, a slot freed, a pool
 * resumed), and when the pool's next run becomes due (a timer set from the store); a signal that
 * arrives during a pass causes one more. Polls that got nothing stay until their wait passes.
 * Each poll is answered exactly once.
 */
public final class Dispatcher implements Signals.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ClaimSource claims;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final ExecutorService claimers;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, UUID> poolIds = new ConcurrentHashMap<>();
    private final Map<UUID, DueWake> dueWakes = new ConcurrentHashMap<>();

    public Dispatcher(ClaimSource claims, Clock clock, ScheduledExecutorService timers, ExecutorService claimers) {
        this.claims = claims;
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
     * is called exactly once, with the claimed runs (possibly none), on a claim or timer thread.
     *
     * @throws NotFoundException if the pool does not exist
     */
    public PendingPoll poll(ClaimService.ClaimRequest request, Duration wait,
                            Consumer<List<ClaimService.Claimed>> reply) {
        UUID poolId = poolId(request.pool());
        Lane lane = lanes.computeIfAbsent(poolId, Lane::new);
        boolean held = !wait.isZero() && !wait.isNegative();
        Waiter waiter = new Waiter(request, held, reply);
        if (held) {
            waiter.timeout = timers.schedule(() -> expire(lane, waiter), wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        lane.add(waiter);
        requestPass(lane);
        return () -> cancel(lane, waiter);
    }

    /**
     * The pool's id, cached: agents poll each time a slot frees, and a store read per poll was a
     * tenth of the dispatch work. A pass that finds the name now names another pool (deleted and
     * created again) drops the entry.
     */
    private UUID poolId(String name) {
        UUID cached = poolIds.get(name);
        if (cached != null) {
            return cached;
        }
        UUID id = claims.poolId(name);
        poolIds.put(name, id);
        return id;
    }

    @Override
    public void poolChanged(UUID poolId) {
        Lane lane = lanes.get(poolId);
        if (lane != null && lane.hasWaiters()) {
            requestPass(lane);
        }
    }

    @Override
    public void missedSignals() {
        wakeAll();
    }

    /** "Tick now": every lane with waiting polls claims again (tests call this after moving the clock). */
    public void wakeAll() {
        lanes.values().forEach(this::requestPass);
    }

    /** Polls held because nothing was due when they last tried. */
    public int waitingPolls() {
        return lanes.values().stream().mapToInt(Lane::heldCount).sum();
    }

    private void requestPass(Lane lane) {
        if (lane.startOrFlagAgain()) {
            claimers.execute(() -> runPasses(lane));
        }
    }

    private void runPasses(Lane lane) {
        do {
            List<Waiter> batch = lane.takeWaiting();
            if (!batch.isEmpty()) {
                try {
                    pass(lane, batch);
                } catch (RuntimeException e) {
                    // Never leave the lane marked running: its polls would wait for a pass forever.
                    LOG.warn("claim pass on pool {} failed after claiming", lane.poolId, e);
                    for (Waiter w : batch) {
                        if (w.backToWaiting()) {
                            lane.remove(w);
                            w.cancelTimeout();
                            if (!w.cancelled) {
                                w.reply.accept(List.of());
                            }
                        }
                    }
                }
            }
        } while (lane.continueOrStop());
    }

    private void pass(Lane lane, List<Waiter> batch) {
        String pool = batch.get(0).request.pool();
        List<List<ClaimService.Claimed>> got;
        try {
            // The lock-free pre-check pays off when passes find nothing (a freed slot, an idle
            // pool). After a pass that got every run its polls asked for, more is usually due (a
            // backlog): under load the check was a tenth of the claim thread's time and skipped
            // no pass. After one that got fewer, the supply ran out, and the check saves the
            // locking transaction that a run created meanwhile would queue behind.
            boolean backlog = lane.backlog;
            lane.backlog = false;
            if (!backlog && !claims.anyDue(lane.poolId)) {
                got = batch.stream().map(w -> List.<ClaimService.Claimed>of()).toList();
                answer(lane, batch, got);
                return;
            }
            ClaimService.Batch claimed = claims.claimAll(pool, batch.stream().map(w -> w.request).toList());
            if (!claimed.poolId().equals(lane.poolId)) {
                poolIds.remove(pool, lane.poolId);
            }
            got = claimed.runs();
            long asked = batch.stream().mapToLong(w -> Math.max(0, w.request.maxRuns())).sum();
            long given = got.stream().mapToLong(List::size).sum();
            lane.backlog = given > 0 && given >= asked;
        } catch (NotFoundException e) {
            poolIds.remove(pool, lane.poolId);
            // The pool was deleted while polls waited on it: answer them; their next poll is refused.
            batch.forEach(w -> w.expired = true);
            got = batch.stream().map(w -> List.<ClaimService.Claimed>of()).toList();
        } catch (RuntimeException e) {
            LOG.warn("claim pass on pool {} failed", pool, e);
            got = batch.stream().map(w -> List.<ClaimService.Claimed>of()).toList();
        }
        answer(lane, batch, got);
    }

    private void answer(Lane lane, List<Waiter> batch, List<List<ClaimService.Claimed>> got) {
        boolean someWait = false;
        for (int i = 0; i < batch.size(); i++) {
            Waiter w = batch.get(i);
            List<ClaimService.Claimed> runs = got.get(i);
            if (w.afterPass(!runs.isEmpty())) {
                lane.remove(w);
                w.cancelTimeout();
                if (!runs.isEmpty() || !w.cancelled) {
                    w.reply.accept(runs);
                }
            } else {
                someWait = true;
            }
        }
        if (someWait) {
            armDueWake(lane.poolId);
        }
    }

    private void expire(Lane lane, Waiter waiter) {
        if (waiter.expireNow()) {
            lane.remove(waiter);
            waiter.reply.accept(List.of());
        }
    }

    private void cancel(Lane lane, Waiter waiter) {
        if (waiter.cancelNow()) {
            lane.remove(waiter);
            waiter.cancelTimeout();
        }
    }

    /** Sets a timer for the pool's next due run, unless an earlier one is already set. */
    private void armDueWake(UUID poolId) {
        Instant now = clock.instant();
        Optional<Instant> next = claims.nextDue(poolId, now);
        if (next.isEmpty()) {
            return;
        }
        Instant due = next.get();
        dueWakes.compute(poolId, (id, current) -> {
            // Keep a pending timer for the same or an earlier instant, unless that instant has
            // come: then it is the timer that woke this very pass (not yet marked done), and
            // keeping it would leave no timer for the runs still to come.
            if (current != null && !current.future.isDone() && !current.at.isAfter(due) && current.at.isAfter(now)) {
                return current;
            }
            if (current != null) {
                current.future.cancel(false);
            }
            // In nanoseconds: a delay truncated to milliseconds fired before the due time, found
            // nothing due yet, and depended on the line above to be woken again.
            long delay = Math.max(0, Duration.between(clock.instant(), due).toNanos());
            return new DueWake(due, timers.schedule(() -> poolChanged(poolId), delay, TimeUnit.NANOSECONDS));
        });
    }

    private record DueWake(Instant at, ScheduledFuture<?> future) {
    }

    /** The polls of one pool and whether a pass is running for them. */
    private static final class Lane {
        final UUID poolId;
        /** Whether the lane's last pass got every run its polls asked for (used by its passes, one at a time). */
        volatile boolean backlog;
        private final List<Waiter> waiters = new ArrayList<>();
        private boolean running;
        private boolean again;

        Lane(UUID poolId) {
            this.poolId = poolId;
        }

        synchronized void add(Waiter w) {
            waiters.add(w);
        }

        synchronized void remove(Waiter w) {
            waiters.remove(w);
        }

        synchronized boolean hasWaiters() {
            return !waiters.isEmpty();
        }

        synchronized int heldCount() {
            return (int) waiters.stream().filter(Waiter::isHeld).count();
        }

        /** True if the caller must start a pass; false if one runs and will go round once more. */
        synchronized boolean startOrFlagAgain() {
            if (running) {
                again = true;
                return false;
            }
            running = true;
            return true;
        }

        /** The waiting polls, in arrival order, marked as being claimed for. */
        synchronized List<Waiter> takeWaiting() {
            again = false;
            // A poll whose wait ran out before it joined the lane is dropped here.
            waiters.removeIf(Waiter::isDone);
            List<Waiter> batch = new ArrayList<>();
            for (Waiter w : waiters) {
                if (w.startClaiming()) {
                    batch.add(w);
                }
            }
            return batch;
        }

        /** After a pass: true to run another (a signal came meanwhile), else the lane goes idle. */
        synchronized boolean continueOrStop() {
            if (again) {
                return true;
            }
            running = false;
            return false;
        }
    }

    /** One poll: WAITING until a pass takes it (CLAIMING), then DONE or WAITING again. */
    private static final class Waiter {
        private enum State { WAITING, CLAIMING, DONE }

        final ClaimService.ClaimRequest request;
        final boolean held;
        final Consumer<List<ClaimService.Claimed>> reply;
        volatile ScheduledFuture<?> timeout;
        private State state = State.WAITING;
        private int passes;
        volatile boolean expired;
        volatile boolean cancelled;

        Waiter(ClaimService.ClaimRequest request, boolean held, Consumer<List<ClaimService.Claimed>> reply) {
            this.request = request;
            this.held = held;
            this.reply = reply;
        }

        synchronized boolean startClaiming() {
            if (state != State.WAITING) {
                return false;
            }
            state = State.CLAIMING;
            passes++;
            return true;
        }

        /** True if the poll is answered now (the caller replies); false if it waits for another pass. */
        synchronized boolean afterPass(boolean gotRuns) {
            if (gotRuns || !held || expired || cancelled) {
                state = State.DONE;
                return true;
            }
            state = State.WAITING;
            return false;
        }

        /**
         * A pass failed before answering this poll: it waits for the next pass, unless its wait
         * already passed (or it was a single try), when the caller answers it with nothing now.
         */
        synchronized boolean backToWaiting() {
            if (state != State.CLAIMING) {
                return false;
            }
            if (expired || cancelled || !held) {
                state = State.DONE;
                return true;
            }
            state = State.WAITING;
            return false;
        }

        /** The wait passed: true if the caller must answer with nothing now. */
        synchronized boolean expireNow() {
            expired = true;
            if (state == State.WAITING) {
                state = State.DONE;
                return true;
            }
            return false;
        }

        /** The caller went away: true if no pass holds the poll (no later pass will claim for it). */
        synchronized boolean cancelNow() {
            cancelled = true;
            if (state == State.WAITING) {
                state = State.DONE;
                return true;
            }
            return false;
        }

        synchronized boolean isDone() {
            return state == State.DONE;
        }

        synchronized boolean isHeld() {
            return state == State.WAITING && passes > 0;
        }

        void cancelTimeout() {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
