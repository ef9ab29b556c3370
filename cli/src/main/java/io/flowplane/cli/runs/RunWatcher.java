package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.output.Fmt;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Streams a run's state changes and log lines until it ends, and answers the exit code for how it
 * ended. It waits on the log endpoint's follow mode, which the server also wakes on state changes,
 * so nothing is polled on a timer. Lines are printed before the state that followed them.
 */
final class RunWatcher {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int PAGE = 1000;

    private final Api api;
    private final boolean showStates;
    private long after;
    private String lastState;

    RunWatcher(Api api, boolean showStates) {
        this.api = api;
        this.showStates = showStates;
    }

    /** Prints until the run is terminal; returns its exit code. With {@code follow} false, prints what is there and returns 0. */
    int watch(UUID id, boolean follow) {
        while (true) {
            JsonNode run = api.get("api/v1/flow-runs/" + id);
            boolean terminal = isTerminal(run);
            // Everything logged so far, then the state: a line never shows after the state that ended its run.
            while (printLogs(id, Duration.ZERO) == PAGE) {
                // keep paging
            }
            if (showStates) {
                printState(run);
            }
            if (terminal || !follow) {
                return terminal && showStates ? ExitCodes.forRunState(run.path("state").path("type").asText()) : ExitCodes.OK;
            }
            printLogs(id, WAIT);
        }
    }

    private int printLogs(UUID id, Duration wait) {
        String q = "api/v1/flow-runs/" + id + "/logs?after=" + after + "&limit=" + PAGE
                + (wait.isZero() ? "" : "&wait=" + wait.toSeconds());
        JsonNode page = api.get(q);
        JsonNode lines = page.path("lines");
        for (JsonNode line : lines) {
            if (api.json()) {
                ObjectNode event = JsonNodeFactory.instance.objectNode().put("event", "log");
                event.setAll((ObjectNode) line);
                api.printJsonLine(showStates ? event : line);
            } else if (showStates) {
                api.out().println(Fmt.clock(Fmt.instant(line, "at")) + " | " + line.path("message").asText());
            } else {
                api.out().println(line.path("message").asText());
            }
        }
        api.out().flush();
        after = page.path("next").asLong(after);
        return lines.size();
    }

    private void printState(JsonNode run) {
        JsonNode state = run.path("state");
        String key = state.path("type").asText() + "/" + state.path("name").asText() + "/" + run.path("attempt").asInt();
        if (key.equals(lastState)) {
            return;
        }
        lastState = key;
        if (api.json()) {
            ObjectNode event = JsonNodeFactory.instance.objectNode().put("event", "state");
            event.setAll((ObjectNode) state);
            event.put("attempt", run.path("attempt").asInt());
            api.printJsonLine(event);
            return;
        }
        Instant at = Fmt.instant(state, "at");
        String attempt = run.path("attempt").asInt() > 1 ? " (attempt " + run.path("attempt").asInt() + ")" : "";
        api.out().println(Fmt.clock(at) + " | state → " + Fmt.state(state) + attempt);
        if (isTerminal(run)) {
            String took = Fmt.duration(Fmt.instant(run, "startedAt"), Fmt.instant(run, "endedAt"));
            api.out().println("run " + run.path("name").asText() + " " + state.path("type").asText().toLowerCase()
                    + (took == null ? "" : " after " + took));
        }
        api.out().flush();
    }

    static boolean isTerminal(JsonNode run) {
        return switch (run.path("state").path("type").asText()) {
            case "COMPLETED", "FAILED", "CANCELLED", "CRASHED" -> true;
            default -> false;
        };
    }
}
