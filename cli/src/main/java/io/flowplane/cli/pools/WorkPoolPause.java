package io.flowplane.cli.pools;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "pause", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Pause a work pool: agents claim no new runs from it.")
public final class WorkPoolPause extends ApiCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run(Api api) {
        var pool = api.patch("api/v1/work-pools/" + Api.enc(name), Map.of("paused", true));
        if (api.json()) {
            api.printJson(pool);
        } else {
            api.out().println("paused work pool " + pool.path("name").asText());
        }
        return 0;
    }
}
