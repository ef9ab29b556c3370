package io.flowplane.cli.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** A deployment's definition, its schedules' next instants and its latest runs. */
@Command(name = "inspect", aliases = "show", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show a deployment: definition, schedules with their next runs, latest runs.")
public final class DeploymentInspect extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        JsonNode d = api.get("api/v1/deployments/" + Api.enc(ref));
        JsonNode schedules = api.get("api/v1/deployments/" + Api.enc(ref) + "/schedules");
        JsonNode runs = api.get("api/v1/flow-runs?limit=5&deployment=" + Api.enc(ref));
        if (api.json()) {
            ObjectNode all = ((ObjectNode) d).deepCopy();
            all.set("schedules", schedules);
            all.set("latestRuns", runs.path("items"));
            api.printJson(all);
            return 0;
        }
        JsonNode spec = d.path("spec");
        var out = api.out();
        out.println("Name:         " + d.path("name").asText() + (d.path("paused").asBoolean() ? "  (paused)" : ""));
        out.println("Id:           " + d.path("id").asText());
        out.println("Flow:         " + spec.path("flowName").asText());
        out.println("Work pool:    " + spec.path("workPool").asText() + " / queue " + spec.path("workQueue").asText());
        out.println("Command:      " + String.join(" ", strings(spec.path("entrypoint").path("command"))));
        JsonNode source = spec.path("source");
        if (source.has("git")) {
            out.println("Source:       git " + source.at("/git/url").asText() + " @ " + source.at("/git/ref").asText());
        } else if (source.has("artifact")) {
            out.println("Source:       " + source.at("/artifact/url").asText() + " (sha256 " + source.at("/artifact/sha256").asText() + ")");
        }
        if (spec.path("entrypoint").hasNonNull("workingDir")) {
            out.println("Working dir:  " + spec.path("entrypoint").path("workingDir").asText());
        }
        out.println("Parameters:   " + spec.path("parameters"));
        out.println("Retries:      " + spec.path("retries").asInt() + (spec.path("retryDelaysSeconds").isEmpty() ? ""
                : " after " + spec.path("retryDelaysSeconds") + " s"));
        out.println("Timeout:      " + (spec.hasNonNull("timeoutSeconds") ? spec.get("timeoutSeconds").asText() + " s" : "none"));
        out.println("Concurrency:  " + (spec.hasNonNull("concurrencyLimit") ? spec.get("concurrencyLimit").asText() : "no limit"));
        out.println("Tags:         " + String.join(", ", strings(spec.path("tags"))));
        out.println("Updated:      " + Fmt.time(d, "updatedAt"));
        out.println();
        Table st = new Table("SCHEDULE", "DEFINITION", "TZ", "ACTIVE", "NEXT");
        for (JsonNode s : schedules) {
            JsonNode next = s.path("next");
            st.row(s.path("name").asText(), schedules(List.of(s.path("spec"))), s.path("spec").path("timezone").asText(),
                    s.path("running").asBoolean() ? "yes" : "no",
                    next.isEmpty() ? null : Fmt.time(next.get(0).asText()));
        }
        if (st.isEmpty()) {
            out.println("No schedules: runs start with `flowplane run " + d.path("name").asText() + "`.");
        } else {
            st.print(out);
        }
        out.println();
        Table rt = new Table("RUN", "NAME", "STATE", "CREATED");
        for (JsonNode r : runs.path("items")) {
            rt.row(r.path("id").asText(), r.path("name").asText(), Fmt.state(r.path("state")), Fmt.time(r, "createdAt"));
        }
        if (rt.isEmpty()) {
            out.println("No runs yet.");
        } else {
            rt.print(out);
        }
        return 0;
    }

    /** "cron 0 2 * * *, every 900s" — what the schedules of a spec are, in one cell. */
    static String schedules(Iterable<JsonNode> schedules) {
        List<String> parts = new ArrayList<>();
        for (JsonNode s : schedules) {
            if (s.hasNonNull("cron")) {
                parts.add("cron " + s.get("cron").asText());
            } else if (s.hasNonNull("intervalSeconds")) {
                parts.add("every " + s.get("intervalSeconds").asText() + "s");
            } else if (s.hasNonNull("rrule")) {
                parts.add(s.get("rrule").asText());
            }
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
