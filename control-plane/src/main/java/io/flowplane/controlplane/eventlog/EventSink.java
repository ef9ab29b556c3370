package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.store.UnitOfWork;

import java.util.List;

/**
 * Where changes record their events, inside the unit of work that makes the change, so an event
 * exists exactly when its change committed. The ledger calls {@link #runStates} for every batch of
 * state history rows it writes; services call {@link #record} for resource changes.
 */
public interface EventSink {
    EventSink NONE = new EventSink() {
        @Override
        public void runStates(UnitOfWork unit, List<RunStateRecord> records) {
        }

        @Override
        public void record(UnitOfWork unit, EventDraft event) {
        }
    };

    /** The state rows one change wrote (each is an event of the log). */
    void runStates(UnitOfWork unit, List<RunStateRecord> records);

    void record(UnitOfWork unit, EventDraft event);
}
