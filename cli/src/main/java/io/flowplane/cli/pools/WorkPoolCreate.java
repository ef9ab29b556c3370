package io.flowplane.cli.pools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create a work pool (it gets a 'default' queue).")
public final class WorkPoolCreate extends ApiCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--type", defaultValue = "process", description = "pool type (default: ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--description")
    String description;

    @Option(names = {"-l", "--concurrency-limit"}, paramLabel = "N", description = "runs at once across the pool (default: no limit)")
    Integer concurrencyLimit;

    @Option(names = "--paused", description = "create it paused (agents claim nothing until resumed)")
    boolean paused;

    @Override
    protected int run(Api api) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("type", type);
        if (description != null) {
            body.put("description", description);
        }
        if (concurrencyLimit != null) {
            body.put("concurrencyLimit", concurrencyLimit);
        }
        if (paused) {
            body.put("paused", true);
        }
        JsonNode pool = api.post("api/v1/work-pools", body);
        if (api.json()) {
            api.printJson(pool);
        } else {
            api.out().println("created work pool " + pool.path("name").asText()
                    + " — serve it with `flowplane agent --pool " + pool.path("name").asText() + "`");
        }
        return 0;
    }
}
