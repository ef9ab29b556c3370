package io.flowplane.controlplane.services;

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
import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.runs.RunWatchers;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.schedules.Scheduler;
import io.flowplane.controlplane.backfills.BackfillService;

import java.time.Clock;

/**
 * The control plane's collaborators, built once and handed to the REST and gRPC edges, grouped by
 * what they serve: the shared base, the resources users manage, the execution of runs, and the
 * background loops.
 */
public record Services(Core core, Resources resources, Execution execution, Background background) {

    /** What everything else is built on. */
    public record Core(Clock clock, Store store, Json json, Signals signals, ApiKeys apiKeys) {
    }

    /** The resources users create and change through the API. */
    public record Resources(WorkPoolService pools, DeploymentService deployments, FlowRunService runs,
                            BackfillService backfills) {
    }

    /** Runs on their way through agents: the ledger that changes them, claims, dispatch, reports. */
    public record Execution(RunLedger ledger, RunWatchers watchers, ClaimService claims, Dispatcher dispatcher,
                            EventIngestor events, AgentRegistry agents) {
    }

    /** The loops the server runs on its own. */
    public record Background(Reaper reaper, LogRetention logRetention, Scheduler scheduler,
                             io.flowplane.controlplane.automations.Automations automations) {
    }
}
