package io.flowplane.controlplane.runs;

import io.flowplane.controlplane.store.RowIds;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Runs that an SDK process started by hand reports directly: no deployment, no pool, no claim.
 * The run is created RUNNING and leased to its reporter at lease epoch 0 (the epoch the proto
 * reserves for runs no agent claimed); the reporter's events and heartbeats extend the lease,
 * and if it goes silent the reaper ends the run as CRASHED like any other.
 */
public final class AdHocRuns {

    /** Body of POST /flow-runs. {@code reporter} names who reports (shown where an agent id would be). */
    public record Request(String flowName, String name, ObjectNode parameters, List<String> tags, String reporter) {
    }

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final Duration lease;

    public AdHocRuns(Store store, Clock clock, Json json, Duration lease) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.lease = lease;
    }

    public FlowRun start(Request r) {
        validate(r);
        Instant now = clock.instant();
        String parameters = json.write(r.parameters() == null ? json.mapper().createObjectNode() : r.parameters());
        String reporter = r.reporter() == null ? "sdk" : r.reporter();
        FlowRun run = new FlowRun(RowIds.next(), r.name() == null ? RunNames.next() : r.name(), null, null,
                r.flowName(), null, null, parameters, json.write(r.tags() == null ? List.of() : r.tags()),
                StateType.RUNNING, StateName.RUNNING.label(), "started by hand", now, null, now, 1, 0, "[]", null,
                reporter, 0, now.plus(lease), now, null, 0, null, now, null, null, null);
        store.jdbi().useTransaction(h -> {
            FlowRunDao runs = h.attach(FlowRunDao.class);
            runs.insert(run);
            runs.insertStates(List.of(new RunStateRecord(null, run.id(), StateType.RUNNING, run.stateName(),
                    run.stateMessage(), Actor.USER, 1, now, null)));
        });
        return run;
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
