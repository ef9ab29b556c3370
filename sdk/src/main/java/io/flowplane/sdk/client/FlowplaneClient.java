package io.flowplane.sdk.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.proto.endpoints.Endpoints;
import io.flowplane.sdk.internal.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small client for the control plane's REST API (java.net.http + Jackson): deployments, runs,
 * their states, task runs, logs and artifacts, and work pools. Thread-safe. Errors throw
 * {@link ApiException} with the server's problem document.
 *
 * <p>Given several base URLs (replicas of one control plane, comma-separated), it talks to one and
 * moves to the next when a call cannot connect, and makes the call there: a request that never
 * reached a server is safe to make again, whatever it is. A call that fails after it may have
 * reached the server is made again elsewhere only if it is a GET, because a POST such as starting a
 * run could then be applied twice.
 */
public final class FlowplaneClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    /** The server's longest event wait, well inside TIMEOUT. */
    private static final Duration MAX_EVENT_WAIT = Duration.ofSeconds(30);
    private static final int EVENT_PAGE = 1000;

    private final String given;
    private final List<URI> bases;
    /** Index into {@link #bases} of the endpoint calls go to until one fails to connect. */
    private final AtomicInteger current = new AtomicInteger();
    private final String apiKey;
    private final HttpClient http;

    /**
     * @param baseUrl e.g. {@code http://localhost:8080} (the API lives under /api/v1), or several
     *                replicas separated by commas
     */
    public FlowplaneClient(String baseUrl, String apiKey) {
        this(baseUrl, apiKey, null);
    }

    /** @param caFile for https: a PEM bundle of the CA(s) to trust instead of the JVM's; null: the JVM's */
    public FlowplaneClient(String baseUrl, String apiKey, java.nio.file.Path caFile) {
        this(baseUrl, "control plane URL", apiKey, caFile);
    }

    /** @param setting the name {@code baseUrl} was given under, for the error if it is not a URL list */
    public FlowplaneClient(String baseUrl, String setting, String apiKey, java.nio.file.Path caFile) {
        this.given = baseUrl.trim();
        this.bases = Endpoints.parseUrls(baseUrl, setting).stream()
                .map(u -> u.toString().endsWith("/") ? u : URI.create(u + "/")).toList();
        this.apiKey = apiKey;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (caFile != null) {
            b.sslContext(TrustedCa.sslContext(caFile));
        }
        this.http = b.build();
    }

    /** The base URL(s) this client talks to, as given (without the trailing slash). */
    public String baseUrl() {
        return given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
    }

    /** FLOWPLANE_URL and FLOWPLANE_API_KEY. */
    public static FlowplaneClient fromEnvironment() {
        String url = System.getenv("FLOWPLANE_URL");
        String key = System.getenv("FLOWPLANE_API_KEY");
        if (url == null || key == null) {
            throw new IllegalStateException("set FLOWPLANE_URL and FLOWPLANE_API_KEY");
        }
        return new FlowplaneClient(url, "FLOWPLANE_URL", key, null);
    }

    // Work pools

    /** Creates the pool if it does not exist; returns it either way. */
    public Views.WorkPoolView ensureWorkPool(String name) {
        try {
            return call("GET", "api/v1/work-pools/" + enc(name), null, Views.WorkPoolView.class);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            return call("POST", "api/v1/work-pools", Map.of("name", name), Views.WorkPoolView.class);
        }
    }

    // Deployments

    /** Registers or updates a deployment by name; registering the same spec again changes nothing. */
    public Views.DeploymentView upsertDeployment(DeploymentSpec spec) {
        return call("POST", "api/v1/deployments", spec, Views.DeploymentView.class);
    }

    public Views.DeploymentView deployment(String ref) {
        return call("GET", "api/v1/deployments/" + enc(ref), null, Views.DeploymentView.class);
    }

    /** Starts a run of a deployment now, with parameters merged over its defaults (null: none). */
    public Views.FlowRunView runDeployment(String ref, Object parameters) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (parameters != null) {
            body.put("parameters", parameters);
        }
        return call("POST", "api/v1/deployments/" + enc(ref) + "/runs", body, Views.FlowRunView.class);
    }

    // Flow runs

    /** A run without a deployment, RUNNING and leased to the caller, who reports on it (the SDK by hand). */
    public Views.FlowRunView startAdHocRun(String flowName, Object parameters, List<String> tags, String reporter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flowName", flowName);
        body.put("parameters", parameters);
        body.put("tags", tags);
        body.put("reporter", reporter);
        return call("POST", "api/v1/flow-runs", body, Views.FlowRunView.class);
    }

    public Views.FlowRunView run(UUID id) {
        return call("GET", "api/v1/flow-runs/" + id, null, Views.FlowRunView.class);
    }

    /** Newest first; {@code deployment} (id or name) may be null. */
    public Views.RunPage runs(String deployment, int limit) {
        String q = "?limit=" + limit + (deployment == null ? "" : "&deployment=" + enc(deployment));
        return call("GET", "api/v1/flow-runs" + q, null, Views.RunPage.class);
    }

    public List<Views.HistoryView> states(UUID runId) {
        return call("GET", "api/v1/flow-runs/" + runId + "/states", null, new TypeReference<>() { });
    }

    public List<Views.TaskRunView> taskRuns(UUID runId) {
        return call("GET", "api/v1/flow-runs/" + runId + "/task-runs", null, new TypeReference<>() { });
    }

    public List<Views.ArtifactView> artifacts(UUID runId) {
        return call("GET", "api/v1/flow-runs/" + runId + "/artifacts", null, new TypeReference<>() { });
    }

    /** Lines after sequence {@code after}; pass the page's {@code next} to continue. */
    public Views.LogPage logs(UUID runId, long after, int limit) {
        return call("GET", "api/v1/flow-runs/" + runId + "/logs?after=" + after + "&limit=" + limit, null,
                Views.LogPage.class);
    }

    /**
     * Follow mode: like {@link #logs(UUID, long, int)}, but when no line follows {@code after} yet
     * the server holds the call until a line arrives, the run changes or finishes, or {@code wait}
     * (at most 30 s) passes. A reader loops on it without polling.
     */
    public Views.LogPage logs(UUID runId, long after, int limit, Duration wait) {
        return call("GET", "api/v1/flow-runs/" + runId + "/logs?after=" + after + "&limit=" + limit
                + "&wait=" + wait.toMillis() / 1000.0, null, Views.LogPage.class);
    }

    public Views.FlowRunView cancel(UUID runId) {
        return call("POST", "api/v1/flow-runs/" + runId + "/cancel", null, Views.FlowRunView.class);
    }

    public Views.FlowRunView retry(UUID runId) {
        return call("POST", "api/v1/flow-runs/" + runId + "/retry", null, Views.FlowRunView.class);
    }

    /**
     * Waits until the run is in a terminal state or the timeout passes (then returns it as it is).
     * Without polling: between reads of the run it follows the run's events (a long poll of
     * {@code GET /api/v1/events}), so it wakes at the run's next state change.
     */
    public Views.FlowRunView awaitTerminal(UUID runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String events = "api/v1/events?resource=" + runId + "&limit=" + EVENT_PAGE;
        // The cursor is taken before the run is read: a change in between is an event after it,
        // which the first wait returns at once.
        String cursor = lastEvent(events, "0");
        Views.FlowRunView run = run(runId);
        while (!run.isTerminal()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            double wait = Math.min(MAX_EVENT_WAIT.toMillis(), Math.max(1, left / 1_000_000)) / 1000.0;
            JsonNode page = request("GET", events + "&cursor=" + cursor + "&wait=" + wait, null);
            cursor = page.path("nextCursor").asText(cursor);
            run = run(runId);
        }
        return run;
    }

    /** The id of the last event the query finds after {@code cursor}, paging through all of them. */
    private String lastEvent(String query, String cursor) {
        while (true) {
            JsonNode page = request("GET", query + "&cursor=" + cursor, null);
            cursor = page.path("nextCursor").asText(cursor);
            if (page.path("items").size() < EVENT_PAGE) {
                return cursor;
            }
        }
    }

    /**
     * Any call of the REST API, answered as the server's JSON tree (null for 204 No Content).
     * For tools such as the CLI that show the server's answer as it is; errors throw
     * {@link ApiException} like the typed methods.
     *
     * @param path below the base URL, e.g. {@code api/v1/work-pools?limit=5} (query already encoded)
     */
    public JsonNode request(String method, String path, Object body) {
        return call(method, path.startsWith("/") ? path.substring(1) : path, body,
                Json.MAPPER.getTypeFactory().constructType(JsonNode.class));
    }

    /** Encodes one path segment or query value. */
    public static String encode(String s) {
        return enc(s);
    }

    private <T> T call(String method, String path, Object body, Class<T> type) {
        return call(method, path, body, Json.MAPPER.getTypeFactory().constructType(type));
    }

    private <T> T call(String method, String path, Object body, TypeReference<T> type) {
        return call(method, path, body, Json.MAPPER.getTypeFactory().constructType(type));
    }

    private <T> T call(String method, String path, Object body, JavaType type) {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() >= 300) {
            throw new ApiException(method + " /" + path, r.statusCode(), r.body());
        }
        if (r.body() == null || r.body().isEmpty()) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(r.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer to " + method + " /" + path + ": " + r.body(), e);
        }
    }

    /** Sends to the current endpoint, moving through the others as the class comment says; each is tried once. */
    private HttpResponse<String> send(String method, String path, Object body) {
        String json = body == null ? null : Json.write(body);
        int start = current.get();
        IOException last = null;
        for (int tried = 0; tried < bases.size(); tried++) {
            int index = (start + tried) % bases.size();
            try {
                HttpResponse<String> r = http.send(request(bases.get(index), method, path, json),
                        HttpResponse.BodyHandlers.ofString());
                current.compareAndSet(start, index);
                return r;
            } catch (IOException e) {
                last = e;
                if (!(neverSent(e) || method.equals("GET"))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + method + " " + path, e);
            }
        }
        throw new UncheckedIOException(method + " " + path + " failed", last);
    }

    private HttpRequest request(URI base, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json");
        if (json != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    /** Whether the failure happened before a connection existed, so the server cannot have seen the request. */
    static boolean neverSent(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
