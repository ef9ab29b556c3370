package io.flowplane.cli.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List automations with their trigger and how their actions went.")
public final class AutomationLs extends ApiCommand {
    @Override
    protected int run(Api api) {
        JsonNode all = api.get("api/v1/automations");
        if (api.json()) {
            api.printJson(all);
            return 0;
        }
        Table t = new Table("NAME", "ENABLED", "TRIGGER", "FIRINGS", "LAST FIRED", "FAILED ACTIONS");
        for (JsonNode a : all) {
            JsonNode trigger = a.path("trigger");
            String what = trigger.path("type").asText("event") + " " + trigger.path("match").path("types").toString();
            t.row(a.path("name").asText(), a.path("enabled").asBoolean() ? "yes" : "no", what,
                    a.path("health").path("firings").asLong(), Fmt.time(a.path("health"), "lastFiredAt"),
                    a.path("health").path("failedActions").asLong());
        }
        if (t.isEmpty()) {
            api.out().println("No automations — create one with `flowplane automation create -f automation.yaml`.");
        } else {
            t.print(api.out());
        }
        return 0;
    }
}
