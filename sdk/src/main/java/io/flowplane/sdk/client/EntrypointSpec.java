package io.flowplane.sdk.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** What the agent runs; env values may be secret references such as {@code ${secret:db_password}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EntrypointSpec(List<String> command, String workingDir, Map<String, String> env) {
}
