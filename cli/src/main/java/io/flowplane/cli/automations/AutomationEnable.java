package io.flowplane.cli.automations;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Enable an automation.")
public final class AutomationEnable extends ApiCommand {
    @Parameters(paramLabel = "AUTOMATION", description = "name or id")
    String ref;

    @Override
    protected int run(Api api) {
        var a = api.post("api/v1/automations/" + Api.enc(ref) + "/enable", null);
        if (api.json()) {
            api.printJson(a);
        } else {
            api.out().println("enabled automation " + a.path("name").asText());
        }
        return 0;
    }
}
