package io.flowplane.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create an API key. The key is printed once; only its hash is stored.")
public final class ApiKeyCreate extends ApiCommand {
    @Parameters(paramLabel = "NAME", description = "what the key is for, e.g. ci or agent-eu-1")
    String name;

    @Option(names = {"-r", "--role"}, required = true,
            description = "admin, developer (deploy and run), viewer (read) or agent (poll and report)")
    String role;

    @Option(names = "--pool", paramLabel = "POOL", description = "for agent keys: a pool it may serve; repeatable")
    List<String> pools;

    @Override
    protected int run(Api api) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("role", role);
        if (pools != null) {
            pools.forEach(body.putArray("pools")::add);
        }
        JsonNode key = api.post("api/v1/api-keys", body);
        if (api.json()) {
            api.printJson(key);
            return 0;
        }
        api.out().println("created " + key.path("role").asText() + " key " + key.path("name").asText() + " ("
                + key.path("id").asText() + "). It is shown only this once:");
        api.out().println();
        api.out().println("  " + key.path("key").asText());
        api.out().println();
        return 0;
    }
}
