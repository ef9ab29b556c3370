package io.flowplane.cli.automations;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Delete an automation with its firings.")
public final class AutomationDelete extends ApiCommand {
    @Parameters(paramLabel = "AUTOMATION", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        api.delete("api/v1/automations/" + Api.enc(ref));
        if (api.json()) {
            api.printJson(java.util.Map.of("deleted", ref));
        } else {
            api.out().println("deleted automation " + ref);
        }
        return 0;
    }
}
