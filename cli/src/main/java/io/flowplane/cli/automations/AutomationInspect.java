package io.flowplane.cli.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** One automation: its definition, how its firings went, and its most recent actions with their errors. */
@Command(name = "inspect", aliases = {"get", "show"}, mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show an automation: trigger, actions, health and its recent actions with their last errors.")
public final class AutomationInspect extends ApiCommand {
    private static final int RECENT = 20;

    @Parameters(paramLabel = "AUTOMATION", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        JsonNode a = api.get("api/v1/automations/" + Api.enc(ref));
        JsonNode actions = api.get("api/v1/automations/" + Api.enc(ref) + "/actions?limit=" + RECENT);
        if (api.json()) {
            ObjectNode all = ((ObjectNode) a).deepCopy();
            all.set("recentActions", actions);
            api.printJson(all);
            return 0;
        }
        var out = api.out();
        JsonNode health = a.path("health");
        out.println("Name:        " + a.path("name").asText() + (a.path("enabled").asBoolean() ? "" : "  (disabled)"));
        out.println("Description: " + a.path("description").asText("-"));
        out.println("Trigger:     " + a.path("trigger"));
        out.println("Actions:     " + a.path("actions"));
        out.println("Firings:     " + health.path("firings").asLong() + ", last " + Fmt.time(health, "lastFiredAt"));
        out.println("Outcomes:    " + health.path("pendingActions").asLong() + " pending, "
                + health.path("failedActions").asLong() + " failed");
        if (health.hasNonNull("lastError")) {
            out.println("Last error:  " + health.path("lastError").asText());
        }
        out.println();
        Table t = new Table("ACTION", "STATUS", "ATTEMPTS", "UPDATED", "LAST ERROR / RESULT");
        for (JsonNode x : actions) {
            String detail = x.hasNonNull("lastError") ? x.path("lastError").asText() : x.path("result").asText("");
            t.row(x.path("action").path("type").asText(), x.path("status").asText(), x.path("attempts").asInt(),
                    Fmt.time(x, "updatedAt"), detail);
        }
        if (t.isEmpty()) {
            out.println("It has not fired yet.");
        } else {
            t.print(out);
        }
        return 0;
    }
}
