package io.flowplane.cli.deployments;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "pause", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Pause a deployment: its schedules stop creating runs.")
public final class DeploymentPause extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        var d = api.patch("api/v1/deployments/" + Api.enc(ref), Map.of("paused", true));
        if (api.json()) {
            api.printJson(d);
        } else {
            api.out().println("paused deployment " + d.path("name").asText());
        }
        return 0;
    }
}
