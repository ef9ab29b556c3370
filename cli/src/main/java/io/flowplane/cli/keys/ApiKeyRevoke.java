package io.flowplane.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.CliException;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.UUID;

@Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Revoke an API key: calls with it are refused from now on.")
public final class ApiKeyRevoke extends ApiCommand {
    @Parameters(paramLabel = "KEY_ID", description = "the ID column of `flowplane api-key ls`")
    String id;

    @Override
    protected int run(Api api) {
        UUID keyId;
        try {
            keyId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new CliException("'" + id + "' is not a key id — take the ID column of `flowplane api-key ls`",
                    ExitCodes.USAGE, e);
        }
        JsonNode key = api.delete("api/v1/api-keys/" + keyId);
        if (api.json()) {
            api.printJson(key);
        } else {
            api.out().println("revoked key " + key.path("name").asText() + " (" + key.path("prefix").asText() + "…)");
        }
        return 0;
    }
}
