package io.flowplane.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.sdk.internal.Schemas;
import io.flowplane.sdk.internal.Scope;

import java.util.Objects;

/**
 * A flow: a named function of typed parameters (usually a record). Inside another flow run,
 * {@link #call} runs it as a subflow with its own child run; outside any run it runs it locally
 * (no server) and returns the result.
 */
public final class Flow<P, R> {
    private final String name;
    private final Class<P> parameterType;
    private final FlowFunction<P, R> function;
    private final String description;

    private Flow(String name, Class<P> parameterType, FlowFunction<P, R> function, String description) {
        this.name = name;
        this.parameterType = parameterType;
        this.function = function;
        this.description = description;
    }

    /** {@code name} follows the control plane's naming rule: letters, digits, '.', '_', '-'. */
    public static <P, R> Flow<P, R> of(String name, Class<P> parameterType, FlowFunction<P, R> function) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("flow name '" + name + "' must be 1-100 characters: letters, digits,"
                    + " '.', '_', '-', starting with a letter or digit");
        }
        return new Flow<>(name, Objects.requireNonNull(parameterType), Objects.requireNonNull(function), null);
    }

    public Flow<P, R> description(String description) {
        return new Flow<>(name, parameterType, function, description);
    }

    /** Runs the flow: as a subflow inside a flow run, otherwise locally; throws if it does not complete. */
    public R call(P parameters) {
        Scope scope = Scope.current();
        if (scope != null) {
            return scope.engine().runSubflow(scope, this, parameters);
        }
        try (FlowRunner runner = FlowRunner.builder().build()) {
            return runner.run(this, parameters).resultOrThrow();
        }
    }

    /** The JSON Schema of the parameter type, as a deployment registers it. */
    public ObjectNode parameterSchema() {
        return Schemas.of(parameterType);
    }

    public String name() {
        return name;
    }

    public Class<P> parameterType() {
        return parameterType;
    }

    public FlowFunction<P, R> function() {
        return function;
    }

    /** Null when none was given. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "Flow[" + name + "]";
    }
}
