package io.flowplane.sdk;

/** The body of a flow: an ordinary function of its parameters that may throw. */
@FunctionalInterface
public interface FlowFunction<P, R> {
    R apply(P parameters) throws Exception;
}
