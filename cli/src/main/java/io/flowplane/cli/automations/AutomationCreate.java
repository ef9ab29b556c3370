package io.flowplane.cli.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Creates an automation from a JSON or YAML file holding its definition (the REST body). */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create an automation from a JSON or YAML file (the body of POST /api/v1/automations).")
public final class AutomationCreate extends ApiCommand {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "the definition")
    Path file;

    @Override
    protected int run(Api api) {
        JsonNode created = api.post("api/v1/automations", DefinitionFile.read(file));
        if (api.json()) {
            api.printJson(created);
        } else {
            api.out().println("created automation " + created.path("name").asText()
                    + (created.path("enabled").asBoolean() ? "" : " (disabled)"));
        }
        return 0;
    }
}
