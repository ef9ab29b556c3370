/**
 * What the REST and gRPC edges may use, built once by the application: {@link
 * io.flowplane.controlplane.services.Services} groups it into Core (clock, store, JSON, signals,
 * API keys), Resources (pools, deployments, runs, backfills), Execution (ledger, watchers, claims,
 * dispatcher, event ingestion, agents) and Background (reaper, retention, scheduler, automations).
 * A package of its own so that the edges depend on it and the application on the edges, not both
 * ways.
 */
package io.flowplane.controlplane.services;
