package io.flowplane.cli.deployments;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Resume a paused deployment: its schedules create runs again.")
public final class DeploymentResume extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        var d = api.patch("api/v1/deployments/" + Api.enc(ref), Map.of("paused", false));
        if (api.json()) {
            api.printJson(d);
        } else {
            api.out().println("resumed deployment " + d.path("name").asText());
        }
        return 0;
    }
}
