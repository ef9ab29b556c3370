package io.flowplane.cli.automations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowplane.cli.CliException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An automation's definition (the REST body) read from a JSON or YAML file. */
final class DefinitionFile {
    private DefinitionFile() {
    }

    static JsonNode read(Path file) {
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
        return body;
    }
}
