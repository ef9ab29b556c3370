package io.flowplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flowplane.cli.client.Target;
import io.flowplane.cli.output.Output;
import io.flowplane.sdk.client.FlowplaneClient;

import java.io.PrintStream;
import java.io.UncheckedIOException;

/** What a command works with: the SDK's REST client, the target it points at, and how to print. */
public record Api(FlowplaneClient client, Target target, Output output, PrintStream out) {
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    /** Names the target (its key masked); the record's own toString would go through the client's fields too. */
    @Override
    public String toString() {
        return "Api[target=" + target + ", output=" + output + "]";
    }

    public boolean json() {
        return output == Output.JSON;
    }

    public JsonNode get(String path) {
        return client.request("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return client.request("POST", path, body);
    }

    public JsonNode patch(String path, Object body) {
        return client.request("PATCH", path, body);
    }

    public JsonNode put(String path, Object body) {
        return client.request("PUT", path, body);
    }

    public JsonNode delete(String path) {
        return client.request("DELETE", path, null);
    }

    /** Prints a JSON document, indented. */
    public void printJson(Object value) {
        out.println(write(PRETTY, value));
    }

    /** Prints one JSON document per line (for streams such as logs and --watch). */
    public void printJsonLine(Object value) {
        out.println(write(COMPACT, value));
        out.flush();
    }

    private static String write(ObjectMapper m, Object value) {
        try {
            return m.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A path segment or query value, encoded. */
    public static String enc(String s) {
        return FlowplaneClient.encode(s);
    }
}
