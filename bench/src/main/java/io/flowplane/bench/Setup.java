package io.flowplane.bench;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.runs.RunFactory;
import io.flowplane.controlplane.state.StateName;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pools, deployments and runs for the scenarios. */
final class Setup {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The entrypoint of no-op deployments: the bench agents' no-op executor runs it without a process. */
    static final String NOOP = "[\"" + Fleet.NOOP_COMMAND + "\"]";

    private Setup() {
    }

    static void pool(BenchControlPlane cp, String name) throws Exception {
        cp.call("POST", "/api/v1/work-pools", "{\"name\":\"" + name + "\",\"type\":\"process\"}");
    }

    /** Upserts a deployment through the REST API; {@code extra} is more JSON fields (or empty). */
    static void deployment(BenchControlPlane cp, String name, String pool, String command, String extra) throws Exception {
        cp.call("POST", "/api/v1/deployments", "{\"name\":\"" + name + "\",\"flowName\":\"bench\",\"workPool\":\""
                + pool + "\",\"entrypoint\":{\"command\":" + command + "}" + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    /** Starts an ad-hoc run through the REST API; returns its id. */
    static String run(BenchControlPlane cp, String deployment) throws Exception {
        JsonNode r = JSON.readTree(cp.call("POST", "/api/v1/deployments/" + deployment + "/runs", "{}"));
        return r.get("id").asText();
    }

    /**
     * Creates {@code count} runs of a deployment due now, in one transaction, through the control
     * plane's RunFactory (the path schedules and backfills create runs by); the ledger wakes the
     * pool after the commit.
     */
    static void runs(BenchControlPlane cp, String deployment, int count) {
        var services = cp.services();
        Deployment d = services.resources().deployments().get(deployment);
        DeploymentSpec spec = services.resources().deployments().spec(d);
        RunFactory factory = new RunFactory(Clock.systemUTC(), services.core().json(), services.execution().ledger(),
                new MetricRegistry());
        Instant now = Instant.now();
        List<FlowRun> planned = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            planned.add(factory.planned(d, spec, "{}", now, now, StateName.SCHEDULED.label(), null, null, null));
        }
        services.core().store().useTransaction(unit -> factory.insertAll(unit, planned));
    }
}
