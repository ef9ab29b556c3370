package io.flowplane.cli.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List deployments.")
public final class DeploymentLs extends ApiCommand {
    @Override
    protected int run(Api api) {
        JsonNode list = api.get("api/v1/deployments");
        if (api.json()) {
            api.printJson(list);
            return 0;
        }
        Table t = new Table("NAME", "FLOW", "POOL", "SCHEDULES", "PAUSED", "UPDATED");
        for (JsonNode d : list) {
            JsonNode spec = d.path("spec");
            t.row(d.path("name").asText(), Fmt.text(spec, "flowName"),
                    spec.path("workPool").asText() + "/" + spec.path("workQueue").asText("default"),
                    DeploymentInspect.schedules(spec.path("schedules")), d.path("paused").asBoolean() ? "yes" : "no",
                    Fmt.time(d, "updatedAt"));
        }
        if (t.isEmpty()) {
            api.out().println("no deployments yet — register one with `flowplane deploy -f flowplane.yaml`");
        } else {
            t.print(api.out());
        }
        return 0;
    }
}
