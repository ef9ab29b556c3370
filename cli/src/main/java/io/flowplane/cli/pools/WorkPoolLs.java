package io.flowplane.cli.pools;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List work pools.")
public final class WorkPoolLs extends ApiCommand {
    @Override
    protected int run(Api api) {
        JsonNode pools = api.get("api/v1/work-pools");
        if (api.json()) {
            api.printJson(pools);
            return 0;
        }
        Table t = new Table("NAME", "TYPE", "CONCURRENCY", "PAUSED", "DESCRIPTION");
        for (JsonNode p : pools) {
            t.row(p.path("name").asText(), p.path("type").asText(), Fmt.text(p, "concurrencyLimit"),
                    p.path("paused").asBoolean() ? "yes" : "no", Fmt.text(p, "description"));
        }
        if (t.isEmpty()) {
            api.out().println("no work pools yet — create one with `flowplane work-pool create NAME`");
        } else {
            t.print(api.out());
        }
        return 0;
    }
}
