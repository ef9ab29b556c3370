package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.store.RowIds;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Runs that an SDK process started by hand reports directly: no deployment, no pool, no claim.
 * This validates the request and builds the run; the ledger starts it RUNNING and leased to its
 * reporter ({@link RunLedger#startAdHoc}).
 */
public final class AdHocRuns {

    /** Body of POST /flow-runs. {@code reporter} names who reports (shown where an agent id would be). */
    public record Request(String flowName, String name, ObjectNode parameters, List<String> tags, String reporter) {
    }

    private final RunLedger ledger;
    private final Clock clock;
    private final Json json;

    public AdHocRuns(RunLedger ledger, Clock clock, Json json) {
        this.ledger = ledger;
        this.clock = clock;
        this.json = json;
    }

    public FlowRun start(Request r) {
        validate(r);
        Instant now = clock.instant();
        String parameters = json.write(r.parameters() == null ? json.mapper().createObjectNode() : r.parameters());
        String reporter = r.reporter() == null ? "sdk" : r.reporter();
        // The reporter holds it at epoch 0 with no expiry: a run started by hand has no agent to lose.
        FlowRun run = new FlowRun(RowIds.next(), r.name() == null ? RunNames.next() : r.name(),
                FlowRun.Origin.adHoc(r.flowName()), FlowRun.Placement.NONE, parameters,
                json.write(r.tags() == null ? List.of() : r.tags()),
                new FlowRun.State(StateType.RUNNING, StateName.RUNNING.label(), "started by hand", now), null, 1,
                FlowRun.Policy.NONE, new FlowRun.Lease(reporter, 0, null), new FlowRun.Times(now, now, now, null, null),
                0);
        return ledger.startAdHoc(run);
    }

    private static void validate(Request r) {
        Validator v = new Validator();
        if (r == null) {
            v.add("body", "a JSON body is required");
            v.throwIfInvalid();
        }
        v.name(r.flowName(), "flowName");
        v.check(r.name() == null || (!r.name().isBlank() && r.name().length() <= 200), "name", "must be 1-200 characters");
        v.check(r.reporter() == null || (!r.reporter().isBlank() && r.reporter().length() <= 100), "reporter",
                "must be 1-100 characters");
        v.check(r.tags() == null || r.tags().stream().allMatch(t -> t != null && !t.isBlank() && t.length() <= 100),
                "tags", "each tag must be 1-100 characters");
        v.throwIfInvalid();
    }
}
