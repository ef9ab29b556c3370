package io.flowplane.cli.automations;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "disable", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Disable an automation.")
public final class AutomationDisable extends ApiCommand {
    @Parameters(paramLabel = "AUTOMATION", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        var a = api.post("api/v1/automations/" + Api.enc(ref) + "/disable", null);
        if (api.json()) {
            api.printJson(a);
        } else {
            api.out().println("disabled automation " + a.path("name").asText());
        }
        return 0;
    }
}
