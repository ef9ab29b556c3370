package io.flowplane.sdk;

/** The body of a task: an ordinary function that may throw. */
@FunctionalInterface
public interface TaskFunction<I, R> {
    R apply(I input) throws Exception;
}
