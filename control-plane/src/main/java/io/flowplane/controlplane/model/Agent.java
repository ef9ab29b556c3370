package io.flowplane.controlplane.model;

import java.time.Instant;

/** A registered agent. {@code pools} and {@code labels} are JSON. */
public record Agent(String id, String name, String pools, int slots, int freeSlots, String version,
                    String hostname, String labels, Instant registeredAt, Instant lastHeartbeatAt) {
}
