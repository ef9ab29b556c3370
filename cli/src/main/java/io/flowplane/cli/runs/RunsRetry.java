package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "retry", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Schedule a failed, crashed or cancelled run again as a new attempt.")
public final class RunsRetry extends ApiCommand {
    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Override
    protected int run(Api api) {
        JsonNode run = api.post("api/v1/flow-runs/" + RunIds.parse(id) + "/retry", null);
        if (api.json()) {
            api.printJson(run);
        } else {
            api.out().println("run " + run.path("name").asText() + " (" + run.path("id").asText() + "): "
                    + Fmt.state(run.path("state")));
        }
        return 0;
    }
}
