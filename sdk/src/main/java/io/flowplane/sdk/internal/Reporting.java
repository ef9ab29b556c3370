package io.flowplane.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.sdk.ArtifactEntry;
import io.flowplane.sdk.LogEntry;
import io.flowplane.sdk.State;

import java.time.Duration;

/**
 * Where a flow run's events go: nowhere (local), the agent's relay, or the control plane
 * directly. Event methods are called on the task path and must not block.
 */
public interface Reporting extends AutoCloseable {

    /** The run a top-level flow run reports on. */
    RemoteRun openRoot(String flowName, JsonNode parameters);

    /** The run a subflow reports on: a child run of its own, or its parent's run shared. */
    RemoteRun openChild(RemoteRun parent, String flowName, JsonNode parameters);

    void task(RemoteRun run, TaskReport report);

    void log(RemoteRun run, LogEntry line);

    void artifact(RemoteRun run, ArtifactEntry artifact);

    /** The flow run's final state. */
    void flowState(RemoteRun run, State state, String message);

    /** Blocks until everything reported so far is acknowledged, or the timeout passes; false then. */
    boolean flush(Duration timeout);

    @Override
    void close();

    /** Local runs: nothing leaves the process. */
    Reporting NONE = new Reporting() {
        @Override
        public RemoteRun openRoot(String flowName, JsonNode parameters) {
            return RemoteRun.of(Ids.random(), 0);
        }

        @Override
        public RemoteRun openChild(RemoteRun parent, String flowName, JsonNode parameters) {
            return RemoteRun.of(Ids.random(), 0);
        }

        @Override
        public void task(RemoteRun run, TaskReport report) {
        }

        @Override
        public void log(RemoteRun run, LogEntry line) {
        }

        @Override
        public void artifact(RemoteRun run, ArtifactEntry artifact) {
        }

        @Override
        public void flowState(RemoteRun run, State state, String message) {
        }

        @Override
        public boolean flush(Duration timeout) {
            return true;
        }

        @Override
        public void close() {
        }
    };
}
