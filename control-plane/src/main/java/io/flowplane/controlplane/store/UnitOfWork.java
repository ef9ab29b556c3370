package io.flowplane.controlplane.store;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One database transaction and what must happen once it has committed. Work done inside it
 * registers its consequences (wake a pool's polls, a run's watchers, mark a meter) as hooks;
 * {@link Store#inTransaction} runs them once, after a successful commit, and never after a
 * rollback: a wake-up sent before the commit finds nothing new, and one sent after a rollback
 * announces something that never happened.
 */
public final class UnitOfWork {
    private static final Logger LOG = LoggerFactory.getLogger(UnitOfWork.class);

    private final Handle handle;
    private final List<Runnable> afterCommit = new ArrayList<>(2);
    private final Map<Class<?>, Object> attachments = new HashMap<>(2);
    private boolean done;

    UnitOfWork(Handle handle) {
        this.handle = handle;
    }

    /** The transaction's handle, for the store's repositories. */
    public Handle handle() {
        return handle;
    }

    /** Runs {@code hook} once after this unit commits; never if it rolls back. */
    public void afterCommit(Runnable hook) {
        if (done) {
            throw new IllegalStateException("the unit of work has already ended");
        }
        afterCommit.add(hook);
    }

    /**
     * The one {@code type} object of this unit, created on first use: lets a collaborator gather
     * everything of one kind (the signals of many changes) and act on it once per commit.
     */
    public <T> T attachment(Class<T> type, Function<UnitOfWork, T> create) {
        Object existing = attachments.get(type);
        if (existing != null) {
            return type.cast(existing);
        }
        T created = create.apply(this);
        attachments.put(type, created);
        return created;
    }

    /** Called by the store after the commit returned. A failing hook does not stop the others. */
    void committed() {
        done = true;
        for (Runnable hook : afterCommit) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.warn("an after-commit hook failed", e);
            }
        }
    }

    void rolledBack() {
        done = true;
    }
}
