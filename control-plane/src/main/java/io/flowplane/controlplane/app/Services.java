package io.flowplane.controlplane.app;

import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.auth.ApiKeys;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.dispatch.Dispatcher;
import io.flowplane.controlplane.events.EventIngestor;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.runs.LogRetention;
import io.flowplane.controlplane.runs.Reaper;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.Signals;
import io.flowplane.controlplane.runs.RunWatchers;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.schedules.Scheduler;
import io.flowplane.controlplane.backfills.BackfillService;

import java.time.Clock;

/** The control plane's collaborators, built once and handed to the REST and gRPC edges. */
public record Services(Clock clock, Store store, Json json, Signals signals, ApiKeys apiKeys,
                       WorkPoolService pools, DeploymentService deployments, FlowRunService runs,
                       RunLedger ledger, RunWatchers watchers, ClaimService claims, Dispatcher dispatcher,
                       EventIngestor events, AgentRegistry agents, Reaper reaper, LogRetention logRetention,
                       Scheduler scheduler, BackfillService backfills,
                       io.flowplane.controlplane.automations.Automations automations) {
}
