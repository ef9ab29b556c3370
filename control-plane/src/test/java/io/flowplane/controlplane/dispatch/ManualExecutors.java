package io.flowplane.controlplane.dispatch;

import io.flowplane.controlplane.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Executors a test drives by hand: {@link Tasks} runs what was handed to it when the test says so,
 * {@link Timers} runs what was scheduled when the test moves the shared {@link MutableClock} past
 * its time. Nothing runs on another thread, so every interleaving a test sets up is the one that
 * happens.
 */
final class ManualExecutors {
    private ManualExecutors() {
    }

    /** A test's executor lives as long as the test: shutting it down is a no-op. */
    private abstract static class NeverShutDown extends AbstractExecutorService {
        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** Tasks queued by {@code execute}, run in order by {@link #runAll()}. */
    static final class Tasks extends NeverShutDown {
        private final Deque<Runnable> queue = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            queue.add(command);
        }

        int queued() {
            return queue.size();
        }

        /** Runs queued tasks, and those they queue, until none is left. */
        void runAll() {
            Runnable next;
            while ((next = queue.poll()) != null) {
                next.run();
            }
        }

    }

    /** Delayed tasks on the test's clock; only {@code schedule(Runnable, ...)} is supported. */
    static final class Timers extends NeverShutDown implements ScheduledExecutorService {
        private final MutableClock clock;
        private final PriorityQueue<Timer> timers = new PriorityQueue<>(
                Comparator.comparing((Timer t) -> t.at).thenComparingLong(t -> t.seq));
        private long seq;

        Timers(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Timer t = new Timer(clock.instant().plusNanos(unit.toNanos(delay)), seq++, command);
            timers.add(t);
            return t;
        }

        /** Timers not cancelled and not yet run. */
        List<Instant> pending() {
            List<Instant> at = new ArrayList<>();
            for (Timer t : timers) {
                if (!t.cancelled) {
                    at.add(t.at);
                }
            }
            at.sort(Comparator.naturalOrder());
            return at;
        }

        /** Moves the clock by {@code amount}, running each timer that comes due at its own time. */
        void advance(Duration amount) {
            Instant end = clock.instant().plus(amount);
            Timer next;
            while ((next = timers.peek()) != null && !next.at.isAfter(end)) {
                timers.poll();
                if (!next.cancelled) {
                    if (next.at.isAfter(clock.instant())) {
                        clock.set(next.at);
                    }
                    next.command.run();
                    next.done = true; // as a FutureTask: done once its run returned
                }
            }
            clock.set(end);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable command) {
            schedule(command, 0, TimeUnit.NANOSECONDS);
        }

        private final class Timer implements ScheduledFuture<Object> {
            final Instant at;
            final long seq;
            final Runnable command;
            boolean cancelled;
            boolean done;

            Timer(Instant at, long seq, Runnable command) {
                this.at = at;
                this.seq = seq;
                this.command = command;
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(Duration.between(clock.instant(), at));
            }

            @Override
            public int compareTo(Delayed o) {
                return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
            }

            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                if (done) {
                    return false;
                }
                cancelled = true;
                done = true;
                return true;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }

            @Override
            public boolean isDone() {
                return done;
            }

            @Override
            public Object get() {
                throw new UnsupportedOperationException("a manual timer has no result");
            }

            @Override
            public Object get(long timeout, TimeUnit unit) {
                throw new UnsupportedOperationException("a manual timer has no result");
            }
        }
    }
}
