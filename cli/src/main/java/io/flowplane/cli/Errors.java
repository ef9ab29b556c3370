package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.sdk.client.ApiException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns whatever a command threw into the one line a user sees: the cause, then what to do. The
 * mapping lives here so every command words the same failure the same way.
 */
public final class Errors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Errors() {
    }

    /** The user-facing line for a failure talking to the control plane at {@code url}. */
    public static CliException describe(Throwable t, String url) {
        if (t instanceof CliException c) {
            return c;
        }
        if (t instanceof ApiException api) {
            return new CliException(describeApi(api, url), ExitCodes.ERROR, t);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return unreachable(url, "connection timed out", t);
            }
            if (c instanceof ConnectException) {
                return unreachable(url, "connection refused", t);
            }
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return new CliException("cannot reach control plane at " + url + ": unknown host — check --url",
                        ExitCodes.ERROR, t);
            }
            if (c instanceof HttpTimeoutException) {
                return new CliException("the control plane at " + url + " did not answer in time — is it overloaded?",
                        ExitCodes.ERROR, t);
            }
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new CliException(msg, ExitCodes.ERROR, t);
    }

    private static CliException unreachable(String url, String why, Throwable t) {
        return new CliException("cannot reach control plane at " + url + ": " + why
                + " — start it with `flowplane server` (or `flowplane dev`) or set --url / FLOWPLANE_URL",
                ExitCodes.ERROR, t);
    }

    private static String describeApi(ApiException e, String url) {
        JsonNode problem = parse(e.body());
        String detail = problem.path("detail").asText("");
        return switch (e.status()) {
            case 401 -> detail.startsWith("missing")
                    ? "no API key: run `flowplane login`, set FLOWPLANE_API_KEY or pass --api-key"
                    : "the control plane at " + url + " refused the API key (401: "
                    + (detail.isEmpty() ? "unauthorized" : detail)
                    + ") — run `flowplane login` or pass --api-key / FLOWPLANE_API_KEY";
            case 403 -> "forbidden (403): " + detail;
            case 404 -> (detail.isEmpty() ? "not found" : detail) + " (404)";
            case 400, 409, 413, 422 -> invalid(e.status(), problem, detail);
            default -> "the control plane answered " + e.status() + (detail.isEmpty() ? "" : ": " + detail);
        };
    }

    private static String invalid(int status, JsonNode problem, String detail) {
        List<String> parts = new ArrayList<>();
        for (JsonNode err : problem.path("errors")) {
            parts.add(err.path("field").asText() + ": " + err.path("message").asText());
        }
        String what = parts.isEmpty() ? detail : String.join("; ", parts);
        return (status == 409 ? "conflict" : "rejected") + " (" + status + "): " + what;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (Exception e) {
            return JSON.createObjectNode().put("detail", body.length() > 200 ? body.substring(0, 200) + "…" : body);
        }
    }
}
