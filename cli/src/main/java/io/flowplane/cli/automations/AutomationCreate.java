package io.flowplane.cli.automations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.CliException;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Creates an automation from a JSON or YAML file holding its definition (the REST body). */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create an automation from a JSON or YAML file (the body of POST /api/v1/automations).")
public final class AutomationCreate extends ApiCommand {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "the definition")
    Path file;

    @Override
    protected int run(Api api) {
        JsonNode body;
        try {
            body = new YAMLMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new CliException(file + ": not valid JSON or YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new CliException(file + ": expected one automation (a mapping with name, trigger, actions)");
        }
        JsonNode created = api.post("api/v1/automations", body);
        if (api.json()) {
            api.printJson(created);
        } else {
            api.out().println("created automation " + created.path("name").asText()
                    + (created.path("enabled").asBoolean() ? "" : " (disabled)"));
        }
        return 0;
    }
}
