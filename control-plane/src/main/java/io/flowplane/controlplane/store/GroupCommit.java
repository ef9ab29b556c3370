package io.flowplane.controlplane.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * Group commit: pieces of work submitted at the same time from several threads run in one
 * transaction, and each caller returns once that transaction has committed. A commit is the
 * store's most expensive step (H2 writes every B-tree page the transaction touched, and
 * concurrent report batches touch the same pages), so under load N batches cost about one commit
 * instead of N; a lone submission runs at once, as before.
 *
 * <p>No leader thread: the first caller that finds no group running runs the queue's work and the
 * others wait for their result. A group that fails is run again one piece per transaction, so a
 * piece's failure is its own and never another's. The runs of the whole group are locked first, in
 * id order, as every multi-run lock in the store is taken: pieces locking their runs one after the
 * other could otherwise deadlock with a transaction that locks the same runs in id order.
 */
public final class GroupCommit {
    /** One piece of work and the runs it will lock (may be empty). */
    public interface Work<T> {
        Collection<UUID> runs();

        T apply(UnitOfWork unit);
    }

    private static final int MAX_GROUP = 32;

    private final Store store;
    private final Object lock = new Object();
    private final ArrayDeque<Entry<?>> queue = new ArrayDeque<>();
    private boolean running;

    public GroupCommit(Store store) {
        this.store = store;
    }

    /** Runs {@code work} in a transaction, possibly shared with others; its hooks run after that commit. */
    public <T> T submit(Work<T> work) {
        Entry<T> mine = new Entry<>(work);
        synchronized (lock) {
            queue.add(mine);
        }
        boolean interrupted = false;
        try {
            while (true) {
                List<Entry<?>> group = new ArrayList<>();
                synchronized (lock) {
                    while (!mine.done && running) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            // Never abandon queued work (another caller's group may be running it):
                            // wait on, and leave the interrupt set for the caller.
                            interrupted = true;
                        }
                    }
                    if (mine.done) {
                        return mine.outcome();
                    }
                    running = true;
                    while (!queue.isEmpty() && group.size() < MAX_GROUP) {
                        group.add(queue.poll());
                    }
                }
                try {
                    run(group);
                } finally {
                    synchronized (lock) {
                        running = false;
                        lock.notifyAll();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests: how many submissions wait for a group. */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private void run(List<Entry<?>> group) {
        if (group.size() == 1) {
            group.get(0).alone(store);
            return;
        }
        List<Object> results;
        try {
            results = store.inTransaction(unit -> {
                TreeSet<UUID> runs = new TreeSet<>();
                group.forEach(e -> runs.addAll(e.work.runs()));
                if (!runs.isEmpty()) {
                    FlowRunDao.lockIdsOn(unit.handle(), runs);
                }
                List<Object> out = new ArrayList<>();
                for (Entry<?> e : group) {
                    out.add(e.work.apply(unit));
                }
                return out;
            });
        } catch (RuntimeException | Error e) {
            group.forEach(entry -> entry.alone(store));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).succeed(results.get(i));
        }
    }

    private static final class Entry<T> {
        final Work<T> work;
        volatile boolean done;
        private Object result;
        private Throwable failure;

        Entry(Work<T> work) {
            this.work = work;
        }

        void alone(Store store) {
            try {
                succeed(store.inTransaction(work::apply));
            } catch (RuntimeException | Error e) {
                failure = e;
                done = true;
            }
        }

        void succeed(Object value) {
            result = value;
            done = true;
        }

        @SuppressWarnings("unchecked")
        T outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return (T) result;
        }
    }
}
