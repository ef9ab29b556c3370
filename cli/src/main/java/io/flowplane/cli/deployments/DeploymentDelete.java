package io.flowplane.cli.deployments;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Delete a deployment and its schedules.")
public final class DeploymentDelete extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        api.delete("api/v1/deployments/" + Api.enc(ref));
        if (api.json()) {
            api.printJson(java.util.Map.of("deleted", ref));
        } else {
            api.out().println("deleted deployment " + ref);
        }
        return 0;
    }
}
