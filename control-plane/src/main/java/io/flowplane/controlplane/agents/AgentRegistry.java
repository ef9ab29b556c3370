package io.flowplane.controlplane.agents;

import io.flowplane.controlplane.eventlog.AgentPresence;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.ledger.Leases;
import io.flowplane.controlplane.model.Agent;
import io.flowplane.controlplane.store.AgentDao;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Agents: registration, heartbeats (which extend the leases of their runs) and liveness. */
public final class AgentRegistry implements AgentPresence {

    public record Registration(String agentId, String name, List<String> pools, int slots, String version,
                               String hostname, Map<String, String> labels) {
    }

    /** A run the agent believes it holds, with the epoch of its claim. */
    public record Lease(UUID runId, long epoch) {
    }

    public record Lost(UUID runId, String reason) {
    }

    /** New lease expiry, runs to cancel, runs the agent no longer holds. */
    public record HeartbeatResult(Instant leaseExpiresAt, List<UUID> cancel, List<Lost> lost) {
    }

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final Leases leases;
    private final Duration offlineAfter;

    public AgentRegistry(Store store, Clock clock, Json json, Leases leases, Duration offlineAfter) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.leases = leases;
        this.offlineAfter = offlineAfter;
    }

    private volatile io.flowplane.controlplane.eventlog.EventSink events =
            io.flowplane.controlplane.eventlog.EventSink.NONE;

    /** Where a registration is recorded as the agent coming online (the presence sweep records the rest). */
    public void recordEventsTo(io.flowplane.controlplane.eventlog.EventSink sink) {
        this.events = sink;
    }

    public Duration offlineAfter() {
        return offlineAfter;
    }

    private static final java.util.regex.Pattern AGENT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    private static boolean fits(String value, int max) {
        return value == null || (value.length() <= max && value.indexOf('\0') < 0);
    }

    public Agent register(Registration r) {
        String id = r.agentId() == null || r.agentId().isBlank() ? UUID.randomUUID().toString() : r.agentId();
        // Printable and path-safe: it names the agent in REST paths, the UI and the event log.
        new Validator().check(AGENT_ID.matcher(id).matches(), "agent_id",
                        "must be 1 to 100 letters, digits or . _ : @ - (leave it unset: the agent then keeps a UUID)")
                .check(r.slots() >= 1, "slots", "must be at least 1")
                .check(!r.pools().isEmpty(), "pools", "must name at least one work pool")
                // The columns' sizes: longer values were an INTERNAL error from the database.
                .check(fits(r.name(), 200), "name", "must be at most 200 characters, without NUL")
                .check(fits(r.version(), 100), "version", "must be at most 100 characters, without NUL")
                .check(fits(r.hostname(), 300), "hostname", "must be at most 300 characters, without NUL")
                .check(r.labels() == null || (r.labels().size() <= 100 && r.labels().entrySet().stream()
                        .allMatch(l -> fits(l.getKey(), 100) && fits(l.getValue(), 300))), "labels",
                        "at most 100 labels, keys of at most 100 and values of at most 300 characters")
                .throwIfInvalid();
        Instant now = clock.instant();
        String name = r.name() == null || r.name().isBlank() ? id : r.name();
        Agent agent = new Agent(id, name, json.write(r.pools()), r.slots(), r.slots(), r.version(), r.hostname(),
                json.write(r.labels()), now, now);
        store.useTransaction(unit -> {
            AgentDao dao = unit.handle().attach(AgentDao.class);
            if (dao.update(agent) == 0) {
                dao.insert(agent);
            }
            events.record(unit, io.flowplane.controlplane.eventlog.EventDraft.of(
                    io.flowplane.controlplane.eventlog.EventTypes.AGENT_ONLINE, "agent", id, name,
                    Map.of("pools", r.pools(), "slots", r.slots())));
        });
        return agent;
    }

    public HeartbeatResult heartbeat(String agentId, int freeSlots, List<Lease> held) {
        Instant now = clock.instant();
        return store.inTransaction(unit -> {
            if (unit.handle().attach(AgentDao.class).heartbeat(agentId, freeSlots, now) == 0) {
                throw new NotFoundException("agent", agentId);
            }
            List<Lost> lost = new ArrayList<>();
            boolean[] stillHeld = this.leases.extend(unit, agentId, held.stream().map(Lease::runId).toList(),
                    held.stream().map(Lease::epoch).toList(), now);
            for (int i = 0; i < held.size(); i++) {
                if (!stillHeld[i]) {
                    Lease lease = held.get(i);
                    lost.add(new Lost(lease.runId(), "the run is no longer held by this agent at epoch " + lease.epoch()));
                }
            }
            return new HeartbeatResult(this.leases.expiryFrom(now), this.leases.cancellingFor(unit, agentId), lost);
        });
    }

    @Override
    public List<Agent> list() {
        return store.withDao(AgentDao.class, AgentDao::list);
    }

    @Override
    public boolean online(Agent agent) {
        return agent.lastHeartbeatAt().isAfter(clock.instant().minus(offlineAfter));
    }

    public Agent get(String id) {
        return store.withDao(AgentDao.class, d -> d.find(id))
                .orElseThrow(() -> new NotFoundException("agent", id));
    }
}
