package io.flowplane.controlplane.agents;

import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.ledger.Leases;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Pushes commands to the agents that hold open a command stream: a user's cancel reaches the
 * run's agent at once instead of at its next heartbeat. A subscriber first gets what is still
 * pending (its runs already CANCELLING), so a cancel made while its stream was down is not missed.
 */
public final class AgentCommands implements Signals.Listener {
    private final Leases leases;
    private final Map<String, Set<Consumer<UUID>>> streams = new ConcurrentHashMap<>();

    public AgentCommands(Leases leases) {
        this.leases = leases;
    }

    /** What a subscription needs to end itself when its stream closes. */
    public interface Subscription {
        void close();
    }

    /** {@code cancel} receives the id of every run of the agent a user cancels (possibly twice). */
    public Subscription subscribe(String agentId, Consumer<UUID> cancel) {
        streams.computeIfAbsent(agentId, a -> ConcurrentHashMap.newKeySet()).add(cancel);
        List<UUID> pending = leases.cancellingFor(agentId);
        pending.forEach(cancel);
        return () -> streams.computeIfPresent(agentId, (a, set) -> {
            set.remove(cancel);
            return set.isEmpty() ? null : set;
        });
    }

    /** Cancels may have gone unannounced: every open stream gets its agent's pending ones again. */
    @Override
    public void missedSignals() {
        streams.forEach((agentId, sinks) -> leases.cancellingFor(agentId).forEach(run -> sinks.forEach(s -> s.accept(run))));
    }

    public int openStreams() {
        return streams.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void cancelRequested(UUID runId, String agentId) {
        Set<Consumer<UUID>> sinks = streams.get(agentId);
        if (sinks != null) {
            sinks.forEach(s -> s.accept(runId));
        }
    }
}
