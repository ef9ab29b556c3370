package io.flowplane.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.Views;

import java.util.List;

/** Runs created on the control plane over REST for a process reporting directly (started by hand). */
public final class DirectRuns implements GrpcReporting.RunSource {
    private final FlowplaneClient client;
    private final String reporter;

    public DirectRuns(FlowplaneClient client, String reporter) {
        this.client = client;
        this.reporter = reporter;
    }

    @Override
    public RemoteRun openRoot(String flowName, JsonNode parameters) {
        Views.FlowRunView run = client.startAdHocRun(flowName, parameters, null, reporter);
        return RemoteRun.of(run.id(), run.leaseEpoch());
    }

    /** A child run of its own, tagged with its parent so the link shows in the API. */
    @Override
    public RemoteRun openChild(RemoteRun parent, String flowName, JsonNode parameters) {
        Views.FlowRunView run = client.startAdHocRun(flowName, parameters, List.of("subflow-of:" + parent.id()),
                reporter);
        return RemoteRun.of(run.id(), run.leaseEpoch());
    }
}
