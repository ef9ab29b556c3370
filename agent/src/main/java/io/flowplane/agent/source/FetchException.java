package io.flowplane.agent.source;

/** The code of a run could not be fetched or verified; the message names the problem for the user. */
public final class FetchException extends Exception {
    public FetchException(String message) {
        super(message);
    }
}
