package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.model.Agent;
import io.flowplane.controlplane.store.EventQueries;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event log's timer work: agents' presence changes (an agent goes offline by not heartbeating,
 * which no write notices, so a sweep compares heartbeats with each agent's last presence event),
 * and retention (events older than the retention are deleted in small batches).
 */
public final class EventHousekeeping {
    private static final int DELETE_BATCH = 1000;

    private final Store store;
    private final Clock clock;
    private final EventSink events;
    private final AgentPresence agents;
    private final Duration retention;

    public EventHousekeeping(Store store, Clock clock, EventSink events, AgentPresence agents, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.events = events;
        this.agents = agents;
        this.retention = retention;
    }

    /** Records agent.offline / agent.online where an agent's liveness changed since its last presence event. */
    public int sweepPresence() {
        return store.inTransaction(unit -> {
            List<Agent> known = agents.list();
            Map<String, String> last = EventQueries.agentPresence(unit.handle(), known.stream().map(Agent::id).toList());
            int changed = 0;
            for (Agent a : known) {
                String now = agents.online(a) ? EventTypes.AGENT_ONLINE : EventTypes.AGENT_OFFLINE;
                String before = last.getOrDefault(a.id(), EventTypes.AGENT_OFFLINE);
                if (!now.equals(before)) {
                    events.record(unit, EventDraft.of(now, "agent", a.id(), a.name(),
                            Map.of("lastHeartbeatAt", a.lastHeartbeatAt().toString())));
                    changed++;
                }
            }
            return changed;
        });
    }

    /**
     * Deletes events older than the retention, and moves run state events older than it out of
     * the log (the runs keep their history); returns how many events left the log.
     */
    public int trim() {
        Instant cutoff = clock.instant().minus(retention);
        int total = 0;
        int n;
        do {
            n = store.inTransaction(unit -> EventQueries.deleteBefore(unit.handle(), cutoff, DELETE_BATCH));
            total += n;
        } while (n == DELETE_BATCH);
        do {
            n = store.inTransaction(unit -> EventQueries.passRunStatesBefore(unit.handle(), cutoff, DELETE_BATCH));
            total += n;
        } while (n == DELETE_BATCH);
        return total;
    }
}
