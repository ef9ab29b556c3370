package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.UUID;

/** A run with its state history and task runs, with timings. */
@Command(name = "inspect", aliases = "show", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show a run: details, state history, task runs and timings.")
public final class RunsInspect extends ApiCommand {
    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Override
    protected int run(Api api) {
        UUID runId = RunIds.parse(id);
        JsonNode run = api.get("api/v1/flow-runs/" + runId);
        JsonNode states = api.get("api/v1/flow-runs/" + runId + "/states");
        JsonNode tasks = api.get("api/v1/flow-runs/" + runId + "/task-runs");
        if (api.json()) {
            ObjectNode all = JsonNodeFactory.instance.objectNode();
            all.set("run", run);
            all.set("states", states);
            all.set("taskRuns", tasks);
            api.printJson(all);
            return 0;
        }
        var out = api.out();
        out.println("Run:          " + run.path("name").asText() + " (" + run.path("id").asText() + ")");
        out.println("Deployment:   " + run.path("deploymentName").asText("-") + "  flow " + run.path("flowName").asText());
        out.println("State:        " + Fmt.state(run.path("state")) + "  attempt " + run.path("attempt").asInt());
        out.println("Parameters:   " + run.path("parameters"));
        out.println("Scheduled:    " + Fmt.time(run, "scheduledAt"));
        out.println("Started:      " + orDash(Fmt.time(run, "startedAt")));
        out.println("Ended:        " + orDash(Fmt.time(run, "endedAt")));
        out.println("Duration:     " + orDash(Fmt.duration(Fmt.instant(run, "startedAt"), Fmt.instant(run, "endedAt"))));
        out.println("Agent:        " + run.path("agentId").asText("-"));
        if (run.hasNonNull("codeVersion")) {
            out.println("Code:         " + run.get("codeVersion").asText());
        }
        out.println("Tags:         " + run.path("tags"));
        out.println();
        Table st = new Table("AT", "STATE", "NAME", "BY", "ATTEMPT", "MESSAGE");
        for (JsonNode s : states) {
            st.row(Fmt.time(s, "at"), s.path("type").asText(), s.path("name").asText(), s.path("actor").asText(),
                    s.path("attempt").asInt(), s.hasNonNull("message") ? Fmt.truncate(s.get("message").asText(), 80) : null);
        }
        st.print(out);
        out.println();
        Table tt = new Table("TASK RUN", "STATE", "ATTEMPT", "STARTED", "DURATION", "CACHE KEY");
        for (JsonNode t : tasks) {
            tt.row(t.path("name").asText(), Fmt.state(t.path("state")), t.path("attempt").asInt(), Fmt.time(t, "startedAt"),
                    Fmt.duration(Fmt.instant(t, "startedAt"), Fmt.instant(t, "endedAt")), Fmt.text(t, "cacheKey"));
        }
        if (tt.isEmpty()) {
            out.println("No task runs reported (runs of plain commands have none).");
        } else {
            tt.print(out);
        }
        return 0;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
