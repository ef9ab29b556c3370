package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.store.EventRows;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Writes events into the unit of work of the change they describe and, once it committed, tells
 * the {@link EventFeed} (followers and the automation evaluator wake up then, never before).
 */
public final class EventLog implements EventSink {
    private final Clock clock;
    private final Json json;
    private final EventFeed feed;

    public EventLog(Clock clock, Json json, EventFeed feed) {
        this.clock = clock;
        this.json = json;
        this.feed = feed;
    }

    public EventFeed feed() {
        return feed;
    }

    /**
     * A run's state rows are its events (read from the history, see {@code RunStateEvents}): no
     * row to write, only the followers and the evaluator to wake once the change committed.
     */
    @Override
    public void runStates(UnitOfWork unit, List<RunStateRecord> records) {
        if (!records.isEmpty()) {
            publishAfterCommit(unit);
        }
    }

    @Override
    public void record(UnitOfWork unit, EventDraft e) {
        insert(unit, List.of(new EventEntry(0, clock.instant(), e.type(), e.resourceKind(), e.resourceId(),
                e.resourceName(), e.runId(), e.deploymentId(), e.deploymentName(), e.flowName(), e.poolId(),
                json.write(e.tags() == null ? List.of() : e.tags()),
                json.write(e.payload() == null ? Map.of() : e.payload()))));
    }

    private void insert(UnitOfWork unit, List<EventEntry> rows) {
        if (rows.isEmpty()) {
            return;
        }
        EventRows.insert(unit.handle(), rows);
        publishAfterCommit(unit);
    }

    private void publishAfterCommit(UnitOfWork unit) {
        unit.attachment(Published.class, u -> {
            u.afterCommit(feed::published);
            return new Published();
        });
    }

    /** Marks a unit that wrote events, so it wakes the feed once after commit. */
    private static final class Published {
    }
}
