package io.flowplane.sdk.client;

/** The control plane answered with an error (its problem+json detail is in the message). */
public class ApiException extends RuntimeException {
    private final int status;
    private final String body;

    public ApiException(String request, int status, String body) {
        super(request + " → " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
