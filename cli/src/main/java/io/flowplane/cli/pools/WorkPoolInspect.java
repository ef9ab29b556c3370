package io.flowplane.cli.pools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** A pool, its queues and the agents serving it. */
@Command(name = "inspect", aliases = "show", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show a work pool with its queues and the agents serving it.")
public final class WorkPoolInspect extends ApiCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run(Api api) {
        JsonNode pool = api.get("api/v1/work-pools/" + Api.enc(name));
        JsonNode queues = api.get("api/v1/work-pools/" + Api.enc(name) + "/queues");
        JsonNode agents = api.get("api/v1/agents");
        java.util.List<JsonNode> serving = new java.util.ArrayList<>();
        for (JsonNode a : agents) {
            for (JsonNode p : a.path("pools")) {
                if (p.asText().equals(pool.path("name").asText())) {
                    serving.add(a);
                }
            }
        }
        if (api.json()) {
            ObjectNode all = ((ObjectNode) pool).deepCopy();
            all.set("queues", queues);
            all.putArray("agents").addAll(serving);
            api.printJson(all);
            return 0;
        }
        var out = api.out();
        out.println("Name:         " + pool.path("name").asText() + (pool.path("paused").asBoolean() ? "  (paused)" : ""));
        out.println("Type:         " + pool.path("type").asText());
        out.println("Concurrency:  " + (pool.hasNonNull("concurrencyLimit") ? pool.get("concurrencyLimit").asText() : "no limit"));
        out.println("Description:  " + pool.path("description").asText("-"));
        out.println();
        Table q = new Table("QUEUE", "PRIORITY", "CONCURRENCY", "PAUSED");
        for (JsonNode w : queues) {
            q.row(w.path("name").asText(), w.path("priority").asInt(), Fmt.text(w, "concurrencyLimit"),
                    w.path("paused").asBoolean() ? "yes" : "no");
        }
        q.print(out);
        out.println();
        Table a = new Table("AGENT", "STATUS", "FREE SLOTS", "LAST HEARTBEAT");
        for (JsonNode ag : serving) {
            a.row(ag.path("name").asText(), ag.path("status").asText(),
                    ag.path("freeSlots").asInt() + "/" + ag.path("slots").asInt(), Fmt.time(ag, "lastHeartbeatAt"));
        }
        if (a.isEmpty()) {
            out.println("No agent serves this pool — start one with `flowplane agent --pool " + pool.path("name").asText() + "`.");
        } else {
            a.print(out);
        }
        return 0;
    }
}
