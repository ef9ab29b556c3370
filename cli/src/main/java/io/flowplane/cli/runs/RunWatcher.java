package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.output.Fmt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Streams a run's state transitions and log lines until it ends, and answers the exit code for
 * how it ended. It waits on the log endpoint's follow mode, which the server also wakes on state
 * changes, so nothing polls on a timer. Transitions come from the run's state history, not from
 * sampling its current state, so a run that passes through Running in a millisecond still shows
 * it; lines and transitions are printed in the order they happened.
 */
final class RunWatcher {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int PAGE = 1000;

    private final Api api;
    private final boolean showStates;
    private final List<JsonNode> pendingLines = new ArrayList<>();
    private long after;
    private long lastStateId;

    /** Query parameters that filter the log lines ("" or "&level=…"). */
    private String filter = "";

    RunWatcher(Api api, boolean showStates) {
        this.api = api;
        this.showStates = showStates;
    }

    /**
     * Prints until the run is terminal (with {@code follow}) or what there is now (without), and
     * returns the run's exit code when states are shown, else 0.
     */
    int watch(UUID id, boolean follow) {
        while (true) {
            JsonNode run = api.get("api/v1/flow-runs/" + id);
            boolean terminal = isTerminal(run);
            // Read the history after the run: a run seen terminal has its final transition in it.
            List<Event> events = new ArrayList<>();
            if (showStates) {
                for (JsonNode s : api.get("api/v1/flow-runs/" + id + "/states")) {
                    if (s.path("id").asLong() > lastStateId) {
                        lastStateId = s.path("id").asLong();
                        events.add(new Event(Fmt.instant(s, "at"), 1, s));
                    }
                }
            }
            drainLogs(id);
            pendingLines.forEach(l -> events.add(new Event(Fmt.instant(l, "at"), 0, l)));
            pendingLines.clear();
            events.sort(Comparator.comparing(Event::at, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparingInt(Event::kind));
            events.forEach(e -> print(e));
            api.out().flush();
            if (terminal || !follow) {
                if (terminal && showStates) {
                    summary(run);
                    return ExitCodes.forRunState(run.path("state").path("type").asText());
                }
                return ExitCodes.OK;
            }
            fetchLogs(id, WAIT);
        }
    }

    /** A line (kind 0) or a transition (kind 1); at the same instant the line goes first. */
    private record Event(Instant at, int kind, JsonNode node) {
    }

    private void drainLogs(UUID id) {
        while (fetchLogs(id, Duration.ZERO) == PAGE) {
            // a full page: there may be more
        }
    }

    /** Only the log lines these query parameters keep (see GET /flow-runs/{id}/logs). */
    RunWatcher filter(String query) {
        this.filter = query;
        return this;
    }

    private int fetchLogs(UUID id, Duration wait) {
        JsonNode page = api.get("api/v1/flow-runs/" + id + "/logs?after=" + after + "&limit=" + PAGE + filter
                + (wait.isZero() ? "" : "&wait=" + wait.toSeconds()));
        JsonNode lines = page.path("lines");
        lines.forEach(pendingLines::add);
        after = page.path("next").asLong(after);
        if (!showStates) {
            // Plain log output: no ordering against transitions needed, print as it arrives.
            pendingLines.forEach(this::printLine);
            pendingLines.clear();
            api.out().flush();
        }
        return lines.size();
    }

    private void print(Event e) {
        if (e.kind() == 0) {
            printLine(e.node());
            return;
        }
        JsonNode s = e.node();
        if (api.json()) {
            ObjectNode event = JsonNodeFactory.instance.objectNode().put("event", "state");
            event.setAll((ObjectNode) s);
            api.printJsonLine(event);
            return;
        }
        String attempt = s.path("attempt").asInt() > 1 ? "  [attempt " + s.path("attempt").asInt() + "]" : "";
        api.out().println(Fmt.clock(e.at()) + " | state → " + Fmt.state(s) + attempt);
    }

    private void printLine(JsonNode line) {
        if (api.json()) {
            if (showStates) {
                ObjectNode event = JsonNodeFactory.instance.objectNode().put("event", "log");
                event.setAll((ObjectNode) line);
                api.printJsonLine(event);
            } else {
                api.printJsonLine(line);
            }
        } else if (showStates) {
            api.out().println(Fmt.clock(Fmt.instant(line, "at")) + " | " + line.path("message").asText());
        } else {
            api.out().println(line.path("message").asText());
        }
    }

    private void summary(JsonNode run) {
        if (api.json()) {
            ObjectNode end = JsonNodeFactory.instance.objectNode().put("event", "end");
            end.set("run", run);
            api.printJsonLine(end);
            return;
        }
        String took = Fmt.duration(Fmt.instant(run, "startedAt"), Fmt.instant(run, "endedAt"));
        api.out().println("run " + run.path("name").asText() + " " + run.path("state").path("type").asText()
                .toLowerCase(java.util.Locale.ROOT) + (took == null ? "" : " after " + took));
        api.out().flush();
    }

    static boolean isTerminal(JsonNode run) {
        return switch (run.path("state").path("type").asText()) {
            case "COMPLETED", "FAILED", "CANCELLED", "CRASHED" -> true;
            default -> false;
        };
    }
}
