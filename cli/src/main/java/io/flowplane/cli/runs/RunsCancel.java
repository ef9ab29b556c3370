package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Cancel a run (a running one is stopped by its agent).")
public final class RunsCancel extends ApiCommand {
    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Override
    protected int run(Api api) {
        JsonNode run = api.post("api/v1/flow-runs/" + RunIds.parse(id) + "/cancel", null);
        if (api.json()) {
            api.printJson(run);
        } else {
            api.out().println("run " + run.path("name").asText() + " (" + run.path("id").asText() + "): "
                    + Fmt.state(run.path("state")));
        }
        return 0;
    }
}
