package io.flowplane.cli.pools;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Resume a paused work pool.")
public final class WorkPoolResume extends ApiCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run(Api api) {
        var pool = api.patch("api/v1/work-pools/" + Api.enc(name), Map.of("paused", false));
        if (api.json()) {
            api.printJson(pool);
        } else {
            api.out().println("resumed work pool " + pool.path("name").asText());
        }
        return 0;
    }
}
