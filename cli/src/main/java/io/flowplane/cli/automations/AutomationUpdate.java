package io.flowplane.cli.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** Replaces an automation's definition with the one in a file (PUT: what the file leaves out is reset). */
@Command(name = "update", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Replace an automation's definition with a JSON or YAML file (the body of PUT /api/v1/automations/{ref}).")
public final class AutomationUpdate extends ApiCommand {
    @Parameters(paramLabel = "AUTOMATION", description = "name or id")
    String ref;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "the whole new definition")
    Path file;

    @Override
    protected int run(Api api) {
        JsonNode updated = api.put("api/v1/automations/" + Api.enc(ref), DefinitionFile.read(file));
        if (api.json()) {
            api.printJson(updated);
        } else {
            api.out().println("updated automation " + updated.path("name").asText()
                    + (updated.path("enabled").asBoolean() ? "" : " (disabled)"));
        }
        return 0;
    }
}
