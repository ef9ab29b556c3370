package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.store.EventRows;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events into the unit of work of the change they describe and, once it committed, tells
 * the {@link EventFeed} (followers and the automation evaluator wake up then, never before).
 */
public final class EventLog implements EventSink {
    /** State messages can be long agent error text; the event carries the start of it. */
    private static final int MAX_MESSAGE = 500;

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

    @Override
    public void runStates(UnitOfWork unit, Map<UUID, FlowRun> runs, List<RunStateRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Map<UUID, FlowRun> known = new HashMap<>(runs);
        List<UUID> missing = records.stream().map(RunStateRecord::runId).distinct()
                .filter(id -> !known.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            FlowRunDao dao = unit.handle().attach(FlowRunDao.class);
            missing.forEach(id -> dao.find(id).ifPresent(r -> known.put(id, r)));
        }
        List<EventEntry> rows = new ArrayList<>(records.size());
        for (RunStateRecord s : records) {
            FlowRun run = known.get(s.runId());
            if (run == null) {
                continue;
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("type", s.stateType().name());
            state.put("name", s.stateName());
            payload.put("state", state);
            if (s.message() != null) {
                payload.put("message", s.message().length() > MAX_MESSAGE ? s.message().substring(0, MAX_MESSAGE)
                        : s.message());
            }
            payload.put("attempt", s.attempt());
            payload.put("actor", s.actor().name());
            rows.add(new EventEntry(0, s.at(), EventTypes.ofState(s.stateType(), s.stateName()), "flow-run",
                    run.id().toString(), run.name(), run.id(), run.origin().deploymentId(),
                    run.origin().deploymentName(),
                    run.origin().flowName(), run.placement().poolId(), run.tags() == null ? "[]" : run.tags(),
                    json.write(payload)));
        }
        insert(unit, rows);
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
        unit.attachment(Published.class, u -> {
            u.afterCommit(feed::published);
            return new Published();
        });
    }

    /** Marks a unit that wrote events, so it wakes the feed once after commit. */
    private static final class Published {
    }
}
