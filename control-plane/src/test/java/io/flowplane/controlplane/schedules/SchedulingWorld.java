package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.ScheduleSpec;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.jackson.Jackson;
import io.flowplane.controlplane.backfills.BackfillService;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.specs.EntrypointSpec;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.runs.FlowRunService;
import io.flowplane.controlplane.runs.RunFactory;
import io.flowplane.controlplane.signals.InProcessSignals;
import io.flowplane.controlplane.ledger.RetryPolicies;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.SignalHooks;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One control plane's scheduling services over a database, without the HTTP edges: what a test
 * needs to drive the scheduler with an injected clock and "tick now". Two worlds on one data
 * source are two control planes sharing a database.
 */
final class SchedulingWorld {
    final Store store;
    final Json json = new Json(Jackson.newObjectMapper());
    final WorkPoolService pools;
    final DeploymentService deployments;
    final FlowRunService runs;
    final RunLedger writer;
    final BackfillService backfills;
    final Scheduler scheduler;
    final ClaimService claims;

    SchedulingWorld(DataSource dataSource, Dialect dialect, Clock clock, SchedulerSettings settings) {
        store = Store.open(dataSource, dialect);
        MetricRegistry metrics = new MetricRegistry();
        SignalHooks signals = new SignalHooks(new InProcessSignals());
        ObjectMapper mapper = json.mapper();
        writer = new RunLedger(store, clock, signals, new RetryPolicies(mapper), Duration.ofSeconds(30));
        RunFactory factory = new RunFactory(clock, json, writer, metrics);
        Materializer materializer = new Materializer(json, factory, settings);
        pools = new WorkPoolService(store, clock, signals);
        deployments = new DeploymentService(store, clock, json, factory, new ScheduleSync(json, materializer, writer));
        runs = new FlowRunService(store, writer);
        backfills = new BackfillService(store, clock, json, factory, runs, writer);
        scheduler = new Scheduler(
                new Scheduler.Collaborators(store, clock, json, materializer, writer, backfills), settings, metrics);
        claims = new ClaimService(store, clock, writer.claims(), metrics);
    }

    void pool(String name) {
        pools.create(new WorkPoolService.PoolChange(name, "process", null, null, null, null));
    }

    /** A deployment with these schedules and catch-up settings; every other field a default. */
    DeploymentService.Upserted deploy(String name, String pool, List<ScheduleSpec> schedules, String catchup,
                                      Double maxLatenessSeconds) {
        ObjectNode params = json.mapper().createObjectNode().put("region", "eu");
        return deployments.upsert(new DeploymentSpec(name, "etl", null, null,
                new DeploymentSpec.Placement(pool, null, null, null),
                new DeploymentSpec.Program(new EntrypointSpec(List.of("true"), null, null), null, params, null),
                null, new DeploymentSpec.Scheduling(schedules, catchup, null, maxLatenessSeconds), null));
    }

    static ScheduleSpec cron(String name, String expression) {
        return new ScheduleSpec(name, expression, null, null, null, null, "UTC", null, null);
    }

    /** Every run of a deployment, oldest scheduled instant first. */
    List<FlowRun> runsOf(UUID deploymentId) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT " + FlowRunDao.COLUMNS
                        + " FROM flow_runs WHERE deployment_id = :d ORDER BY scheduled_at, id")
                .bind("d", deploymentId).mapTo(FlowRun.class).list());
    }

    /** What an agent would do with a claimed run: start it and end it in {@code end}. */
    void finish(UUID runId, StateType end) {
        writer.transition(runId, r -> StateChange.of(StateType.RUNNING, Actor.AGENT));
        writer.transition(runId, r -> StateChange.of(end, Actor.AGENT));
    }

    List<FlowRun> claim(String pool, int max) {
        return claims.claim(new ClaimService.ClaimRequest("agent-1", pool, List.of(), max)).runs().stream()
                .map(ClaimService.Claimed::run).toList();
    }

    static List<Instant> instants(List<FlowRun> runs) {
        return runs.stream().map(r -> r.times().scheduledAt()).toList();
    }
}
