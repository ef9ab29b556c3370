package io.flowplane.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List registered agents with their pools, free slots and last heartbeat.")
public final class AgentLs extends ApiCommand {
    @Override
    protected int run(Api api) {
        JsonNode agents = api.get("api/v1/agents");
        if (api.json()) {
            api.printJson(agents);
            return 0;
        }
        Table t = new Table("ID", "NAME", "POOLS", "STATUS", "FREE SLOTS", "LAST HEARTBEAT", "VERSION", "HOST");
        for (JsonNode a : agents) {
            java.util.List<String> pools = new java.util.ArrayList<>();
            a.path("pools").forEach(p -> pools.add(p.asText()));
            t.row(a.path("id").asText(), a.path("name").asText(), String.join(",", pools), a.path("status").asText(),
                    a.path("freeSlots").asInt() + "/" + a.path("slots").asInt(), Fmt.time(a, "lastHeartbeatAt"),
                    Fmt.text(a, "version"), Fmt.text(a, "hostname"));
        }
        if (t.isEmpty()) {
            api.out().println("no agents have registered — start one with `flowplane agent --pool NAME`");
        } else {
            t.print(api.out());
        }
        return 0;
    }
}
