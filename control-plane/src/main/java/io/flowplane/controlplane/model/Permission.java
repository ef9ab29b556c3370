package io.flowplane.controlplane.model;

/** What a call needs. Each role grants a fixed set. */
public enum Permission {
    /** Read pools, deployments, runs, logs, agents. */
    READ,
    /** Create and change pools and deployments, start, cancel and retry runs. */
    WRITE,
    /** Manage API keys. */
    ADMIN,
    /** Register, poll for work and heartbeat (agents). */
    POLL,
    /** Report run events (agents; the SDK reporting directly with a developer key). */
    REPORT
}
