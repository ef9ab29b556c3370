package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import jakarta.ws.rs.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.mockito.invocation.Invocation;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every REST endpoint (found by reflection over the resources {@link RestApi} registers) against
 * every kind of caller: no key, malformed, unknown and revoked keys get 401 with a Bearer
 * challenge; each role gets 403 exactly where it lacks the endpoint's permission, and otherwise
 * a real answer. Destructive calls run on fresh fixture objects, so the order does not matter.
 */
class AuthMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM = "application/problem+json";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern PARAM = Pattern.compile("\\{([^}/:]+)(?::[^}]*)?}");

    /** What each role may do on REST, written down here rather than read from Role. */
    private static final Map<String, Set<Permission>> ROLE_PERMISSIONS = Map.of(
            "admin", EnumSet.of(Permission.READ, Permission.WRITE, Permission.ADMIN),
            "developer", EnumSet.of(Permission.READ, Permission.WRITE),
            "viewer", EnumSet.of(Permission.READ),
            "agent", EnumSet.noneOf(Permission.class));

    @TempDir
    static Path dir;
    static MutableClock clock;
    static TestControlPlane cp;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** role label → secret. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();
    static String revokedKey;
    /** The pool deployments live on (a pool with deployments cannot be deleted, so fixtures' own pools stay empty). */
    static String deploymentPool;
    /** For read-only calls; destructive calls get a fresh one each. */
    static Fixture shared;

    /** One endpoint: HTTP method, path template, the Java method behind it and the permission it needs. */
    record Endpoint(String method, String template, Class<?> resource, Method javaMethod, Permission needs) {
        String label() {
            return method + " " + template;
        }

        boolean takesBody() {
            for (Parameter p : javaMethod.getParameters()) {
                if (p.getAnnotations().length == 0) {
                    return true;
                }
            }
            return false;
        }

        /** The schedule preview is a POST (its input is a document) that stores nothing: a read. */
        boolean mutates() {
            return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")
                    && resource != SchedulePreviewResource.class;
        }
    }

    /**
     * Objects for path parameters: an empty pool with an extra queue, a deployment (on the shared
     * deployment pool) with a scheduled and a cancelled run, a viewer key that is not used to call,
     * and an agent.
     */
    record Fixture(String pool, String queue, String deployment, String run, String cancelledRun, String keyId,
                   String agentId, String backfillId, String automation, String target,
                   String webhook) {
    }

    /** A caller: a label, the Authorization header it sends (null: none), and its role (null: not authenticated). */
    record Caller(String label, String authorization, String role) {
    }

    @BeforeAll
    static void start() throws Exception {
        clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        cp = TestControlPlane.start(dir, clock);
        deploymentPool = "am-deployments";
        created(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"" + deploymentPool + "\"}"));
        for (String role : List.of("admin", "developer", "viewer", "agent")) {
            String pools = role.equals("agent") ? "[\"" + deploymentPool + "\"]" : "[]";
            JsonNode key = JSON.readTree(created(cp.admin("POST", "/api/v1/api-keys",
                    "{\"name\":\"am-" + role + "\",\"role\":\"" + role + "\",\"pools\":" + pools + "}")).body());
            assertThat(key.get("role").asText()).isEqualTo(role);
            assertThat(key.get("key").asText()).startsWith("fp_");
            KEYS.put(role, key.get("key").asText());
        }
        JsonNode doomed = JSON.readTree(created(cp.admin("POST", "/api/v1/api-keys",
                "{\"name\":\"am-revoked\",\"role\":\"admin\"}")).body());
        revokedKey = doomed.get("key").asText();
        assertThat(cp.call("GET", "/api/v1/work-pools", revokedKey, null).statusCode())
                .as("the key works before it is revoked").isEqualTo(200);
        HttpResponse<String> revoked = cp.admin("DELETE", "/api/v1/api-keys/" + doomed.get("id").asText(), null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(revoked.body()).get("revokedAt").isNull()).isFalse();
        shared = fixture();
    }

    @AfterAll
    static void stop() {
        if (cp != null) {
            cp.close();
        }
    }

    /** The endpoints of every resource RestApi registers, read from their JAX-RS annotations. */
    static List<Endpoint> endpoints() {
        Environment env = Mockito.mock(Environment.class);
        JerseyEnvironment jersey = Mockito.mock(JerseyEnvironment.class);
        Mockito.when(env.jersey()).thenReturn(jersey);
        RestApi.register(env, cp.services(), 1024 * 1024);
        List<Class<?>> resources = new ArrayList<>();
        for (Invocation i : Mockito.mockingDetails(jersey).getInvocations()) {
            if (i.getMethod().getName().equals("register") && i.getArguments().length == 1) {
                Object registered = i.getArgument(0);
                Class<?> type = registered instanceof Class<?> c ? c : registered.getClass();
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    resources.add(type);
                }
            }
        }
        assertThat(resources).as("resources registered by RestApi")
                .contains(WorkPoolResource.class, DeploymentResource.class, FlowRunResource.class, AgentResource.class,
                        ApiKeyResource.class, OpenApiResource.class);
        List<Endpoint> out = new ArrayList<>();
        for (Class<?> resource : resources) {
            String root = resource.getAnnotation(jakarta.ws.rs.Path.class).value();
            Requires classRequires = resource.getAnnotation(Requires.class);
            for (Method m : resource.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                String http = httpMethod(m);
                if (http == null || m.isAnnotationPresent(OwnSecret.class)) {
                    // Authenticated by a secret of its own (an inbound webhook): WebhookTest covers it.
                    continue;
                }
                jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                String template = join(root, sub == null ? "" : sub.value());
                Requires r = m.getAnnotation(Requires.class);
                Permission needs = r != null ? r.value() : classRequires != null ? classRequires.value() : Permission.ADMIN;
                out.add(new Endpoint(http, template, resource, m, needs));
            }
        }
        out.sort(Comparator.comparing(Endpoint::template).thenComparing(Endpoint::method));
        return out;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Test
    void reflectionFindsEveryEndpoint() {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).as("endpoints found by reflection").hasSizeGreaterThanOrEqualTo(20);
        assertThat(endpoints).extracting(Endpoint::label).doesNotHaveDuplicates().contains(
                "GET /api/v1/work-pools", "DELETE /api/v1/work-pools/{name}/queues/{queue}",
                "POST /api/v1/deployments/{ref}/runs", "GET /api/v1/flow-runs/{id}/logs",
                "POST /api/v1/flow-runs/{id}/cancel", "GET /api/v1/agents/{id}", "DELETE /api/v1/api-keys/{id}",
                "GET /api/v1/openapi.yaml");
        assertThat(endpoints).as("every endpoint has fixture values for its path parameters and a body: add them to"
                + " param() and body() when an endpoint is added").allSatisfy(e -> assertThat(resolve(e, shared).fullyKnown())
                .as(e.label()).isTrue());
        assertThat(endpoints).as("REST endpoints need READ, WRITE or ADMIN; agents' permissions are for gRPC")
                .allSatisfy(e -> assertThat(e.needs()).isIn(Permission.READ, Permission.WRITE, Permission.ADMIN));
        assertThat(endpoints).filteredOn(e -> e.resource() == ApiKeyResource.class)
                .allSatisfy(e -> assertThat(e.needs()).isEqualTo(Permission.ADMIN));
        assertThat(endpoints).filteredOn(e -> e.method().equals("GET") && e.resource() != ApiKeyResource.class)
                .allSatisfy(e -> assertThat(e.needs()).as(e.label()).isEqualTo(Permission.READ));
        assertThat(endpoints).filteredOn(e -> e.mutates() && e.resource() != ApiKeyResource.class)
                .allSatisfy(e -> assertThat(e.needs()).as(e.label()).isEqualTo(Permission.WRITE));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointAgainstEveryCaller() {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).as("endpoints found by reflection").hasSizeGreaterThanOrEqualTo(20);
        return endpoints.stream().map(e -> DynamicTest.dynamicTest(e.label(), () -> check(e)));
    }

    private static List<Caller> callers() {
        List<Caller> callers = new ArrayList<>(List.of(
                new Caller("no key", null, null),
                new Caller("empty bearer", "Bearer ", null),
                new Caller("malformed key", "Bearer not-a-flowplane-key", null),
                new Caller("too short key", "Bearer fp_short", null),
                new Caller("key with a space", "Bearer " + KEYS.get("admin").substring(0, 10) + " "
                        + KEYS.get("admin").substring(10), null),
                new Caller("basic auth", "Basic YWRtaW46YWRtaW4=", null),
                new Caller("admin key without scheme", KEYS.get("admin"), null),
                new Caller("unknown well-formed key", "Bearer fp_" + "x".repeat(40), null),
                new Caller("revoked key", "Bearer " + revokedKey, null)));
        KEYS.forEach((role, key) -> callers.add(new Caller(role, "Bearer " + key, role)));
        return callers;
    }

    private static void check(Endpoint e) throws Exception {
        List<String> failures = new ArrayList<>();
        for (Caller caller : callers()) {
            Fixture f = e.mutates() ? fixture() : shared;
            Resolved call = resolve(e, f);
            HttpResponse<String> r = send(e.method(), call.path(), caller.authorization(), call.body());
            String what = caller.label() + " → " + e.method() + " " + call.path() + ": got " + r.statusCode()
                    + " " + abbreviate(r.body());
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (caller.role() == null) {
                if (r.statusCode() != 401) {
                    failures.add(what + " (expected 401)");
                } else if (!type.startsWith(PROBLEM)) {
                    failures.add(what + " (401 without " + PROBLEM + ", Content-Type " + type + ")");
                } else if (!r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer")) {
                    failures.add(what + " (401 without 'WWW-Authenticate: Bearer')");
                } else if (JSON.readTree(r.body()).path("status").asInt() != 401) {
                    failures.add(what + " (problem document's status is not 401)");
                }
                continue;
            }
            boolean allowed = ROLE_PERMISSIONS.get(caller.role()).contains(e.needs());
            if (!allowed) {
                if (r.statusCode() != 403) {
                    failures.add(what + " (expected 403: role lacks " + e.needs() + ")");
                } else if (!type.startsWith(PROBLEM)) {
                    failures.add(what + " (403 without " + PROBLEM + ")");
                }
                continue;
            }
            int s = r.statusCode();
            if (s == 401 || s == 403 || s >= 500) {
                failures.add(what + " (role has " + e.needs() + ": expected the call to be served)");
            } else if (call.fullyKnown() && (s < 200 || s >= 300)) {
                failures.add(what + " (expected 2xx with this fixture)");
            } else if (!call.fullyKnown() && s >= 400 && !type.startsWith(PROBLEM)) {
                failures.add(what + " (error without " + PROBLEM + ")");
            }
        }
        if (!failures.isEmpty()) {
            fail(e.label() + ": " + failures.size() + " unexpected answer(s):\n  " + String.join("\n  ", failures));
        }
    }

    /** A concrete path and body for an endpoint; fullyKnown when every part came from a fixture. */
    record Resolved(String path, String body, boolean fullyKnown) {
    }

    private static Resolved resolve(Endpoint e, Fixture f) {
        boolean known = true;
        Matcher m = PARAM.matcher(e.template());
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            String value = param(e, m.group(1), f);
            if (value == null) {
                known = false;
                value = "unknown-" + m.group(1);
            }
            m.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        m.appendTail(path);
        String body = null;
        if (e.takesBody()) {
            body = body(e, f);
            if (body == null) {
                known = false;
                body = "{}";
            }
        }
        return new Resolved(path.toString(), body, known);
    }

    private static String param(Endpoint e, String name, Fixture f) {
        Class<?> r = e.resource();
        if (r == WorkPoolResource.class) {
            return switch (name) {
                case "name" -> f.pool();
                case "queue" -> f.queue();
                default -> null;
            };
        }
        if ((r == DeploymentResource.class || r == ScheduleResource.class || r == BackfillResource.class)
                && name.equals("ref")) {
            return f.deployment();
        }
        if (r == ScheduleResource.class && name.equals("name")) {
            return "nightly"; // the fixture deployment's schedule
        }
        if (r == BackfillResource.class && name.equals("id")) {
            return f.backfillId();
        }
        if (r == FlowRunResource.class && name.equals("id")) {
            return e.template().endsWith("/retry") ? f.cancelledRun() : f.run();
        }
        if (r == AgentResource.class && name.equals("id")) {
            return f.agentId();
        }
        if (r == ApiKeyResource.class && name.equals("id")) {
            return f.keyId();
        }
        if (r == AutomationResource.class && name.equals("ref")) {
            return f.automation();
        }
        if (r == NotificationTargetResource.class && name.equals("ref")) {
            return f.target();
        }
        if (r == WebhookResource.class && name.equals("ref")) {
            return f.webhook();
        }
        return null;
    }

    private static String body(Endpoint e, Fixture f) {
        int n = SEQ.incrementAndGet();
        return switch (e.label()) {
            case "POST /api/v1/work-pools" -> "{\"name\":\"am-new-pool-" + n + "\"}";
            case "PATCH /api/v1/work-pools/{name}" -> "{\"description\":\"patched " + n + "\"}";
            case "POST /api/v1/work-pools/{name}/queues" -> "{\"name\":\"am-new-queue-" + n + "\",\"priority\":2}";
            case "PATCH /api/v1/work-pools/{name}/queues/{queue}" -> "{\"priority\":3}";
            case "POST /api/v1/deployments" -> "{\"name\":\"am-new-dep-" + n + "\",\"flowName\":\"f\",\"workPool\":\""
                    + deploymentPool + "\",\"entrypoint\":{\"command\":[\"true\"]}}";
            case "PATCH /api/v1/deployments/{ref}" -> "{\"paused\":true}";
            case "POST /api/v1/deployments/{ref}/runs" -> "{\"parameters\":{}}";
            case "POST /api/v1/deployments/{ref}/backfills" ->
                    "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-0" + (2 + n % 7) + "T00:00:00Z\"}";
            case "POST /api/v1/schedule-preview" -> "{\"schedule\":{\"cron\":\"0 2 * * *\"},\"count\":2}";
            case "POST /api/v1/flow-runs" -> "{\"flowName\":\"am-adhoc-" + n + "\"}";
            case "POST /api/v1/api-keys" -> "{\"name\":\"am-new-key-" + n + "\",\"role\":\"viewer\"}";
            case "POST /api/v1/automations" -> automationBody("am-new-auto-" + n, f.deployment());
            case "PUT /api/v1/automations/{ref}" -> automationBody(null, f.deployment());
            case "POST /api/v1/webhooks" -> "{\"name\":\"am-new-hook-" + n + "\"}";
            case "POST /api/v1/notification-targets" -> "{\"name\":\"am-new-target-" + n
                    + "\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"0123456789abcdef\"}";
            default -> null;
        };
    }

    private static String automationBody(String name, String deployment) {
        return "{" + (name == null ? "" : "\"name\":\"" + name + "\",")
                + "\"enabled\":false,\"trigger\":{\"match\":{\"types\":[\"flow-run.failed\"]}},"
                + "\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"" + deployment + "\"}]}";
    }

    /** Fresh objects (created with the admin key) for one call. */
    static Fixture fixture() throws Exception {
        int n = SEQ.incrementAndGet();
        String pool = "am-pool-" + n;
        String queue = "am-queue-" + n;
        String deployment = "am-dep-" + n;
        created(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"" + pool + "\"}"));
        created(cp.admin("POST", "/api/v1/work-pools/" + pool + "/queues", "{\"name\":\"" + queue + "\"}"));
        created(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"" + deployment + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + deploymentPool + "\",\"entrypoint\":{\"command\":[\"true\"]},"
                + "\"schedules\":[{\"name\":\"nightly\",\"cron\":\"0 2 * * *\",\"active\":false}]}"));
        String run = JSON.readTree(created(cp.admin("POST", "/api/v1/deployments/" + deployment + "/runs", "{}")).body())
                .get("id").asText();
        String cancelled = JSON.readTree(created(cp.admin("POST", "/api/v1/deployments/" + deployment + "/runs", "{}"))
                .body()).get("id").asText();
        HttpResponse<String> cancel = cp.admin("POST", "/api/v1/flow-runs/" + cancelled + "/cancel", null);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(JSON.readTree(cancel.body()).at("/state/type").asText()).isEqualTo("CANCELLED");
        String keyId = JSON.readTree(created(cp.admin("POST", "/api/v1/api-keys",
                "{\"name\":\"am-key-" + n + "\",\"role\":\"viewer\"}")).body()).get("id").asText();
        String agentId = "am-agent-" + n;
        cp.services().execution().agents().register(new AgentRegistry.Registration(agentId, agentId, List.of(deploymentPool), 2,
                "test", "localhost", Map.of()));
        String backfill = JSON.readTree(created(cp.admin("POST", "/api/v1/deployments/" + deployment + "/backfills",
                "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-03T00:00:00Z\"}")).body()).get("id").asText();
        String target = "am-target-" + n;
        created(cp.admin("POST", "/api/v1/notification-targets", "{\"name\":\"" + target
                + "\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"0123456789abcdef\"}"));
        String automation = "am-auto-" + n;
        created(cp.admin("POST", "/api/v1/automations", automationBody(automation, deployment)));
        String webhook = "am-hook-" + n;
        created(cp.admin("POST", "/api/v1/webhooks", "{\"name\":\"" + webhook + "\"}"));
        return new Fixture(pool, queue, deployment, run, cancelled, keyId, agentId, backfill, automation, target,
                webhook);
    }

    private static HttpResponse<String> created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("fixture call: " + r.uri() + " → " + r.body()).isEqualTo(201);
        return r;
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(cp.rest(path)).timeout(Duration.ofSeconds(40));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replace('\n', ' ');
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    @Test
    void healthCheckNeedsNoKey() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(cp.admin("/healthcheck")).GET()
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"healthy\":true");
    }

    @Test
    void revokedKeyStaysRevokedAndOtherKeysStillWork() throws Exception {
        assertThat(cp.call("GET", "/api/v1/work-pools", revokedKey, null).statusCode()).isEqualTo(401);
        for (String key : KEYS.values()) {
            int status = cp.call("GET", "/api/v1/work-pools", key, null).statusCode();
            assertThat(status).isIn(200, 403);
        }
        HttpResponse<String> list = cp.admin("GET", "/api/v1/api-keys", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).as("the list never shows secrets").doesNotContain(KEYS.get("developer"))
                .doesNotContain(revokedKey);
    }
}
