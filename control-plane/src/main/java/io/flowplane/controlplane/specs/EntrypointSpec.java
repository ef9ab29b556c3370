package io.flowplane.controlplane.specs;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * What the agent runs: a command line, a working directory and an environment. Environment
 * values may be secret references like {@code ${secret:db_password}}; the agent resolves them at
 * home and the control plane never sees the value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntrypointSpec(List<String> command, String workingDir, Map<String, String> env) {
    public EntrypointSpec normalized() {
        return new EntrypointSpec(command, workingDir, env == null ? Map.of() : new java.util.TreeMap<>(env));
    }
}
