package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.model.Agent;

import java.util.List;

/** What the presence sweep needs to know about agents (the agent registry answers it). */
public interface AgentPresence {
    List<Agent> list();

    boolean online(Agent agent);
}
