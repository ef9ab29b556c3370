package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong JSON types for every field of every request body, and requests Jetty refuses before
 * Jersey sees them (bad path bytes, oversized headers, unparsable request lines): each answer is
 * application/problem+json, names the field where there is one, and names no Java type.
 */
class MalformedRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POOL = "mr-pool";
    private static final String DEPLOYMENT = "mr-dep";
    /** Anything that would tell the caller about our Java internals rather than their request. */
    static final Pattern JAVA_NAMES = Pattern.compile("java\\.|javax\\.|jakarta\\.|com\\.fasterxml|io\\.flowplane"
            + "|org\\.eclipse|org\\.glassfish|JsonToken|START_ARRAY|START_OBJECT|END_ARRAY|END_OBJECT|VALUE_STRING"
            + "|VALUE_NUMBER|VALUE_TRUE|`|Exception|[Dd]eserializ|\\[Source:|<html"
            + "|(?<![-'\"])\\b(String|Integer|Double|Boolean|Instant|ArrayList|LinkedHashMap|HashMap|List|Map"
            + "|ObjectNode|JsonNode|ArrayNode|int|long)\\b(?![-'\"])");

    @TempDir
    static Path dir;
    static TestControlPlane cp;

    /** The JSON kinds a request field can have, each with values of other kinds that must be refused. */
    enum Kind {
        STRING("{\"a\":1}", "[1]"),
        INTEGER("\"lots\"", "{}", "[]", "true"),
        NUMBER("\"lots\"", "{}", "[]"),
        BOOLEAN("\"maybe\"", "{}", "[]"),
        STRINGS("\"x\"", "{}", "[{}]", "[[1]]"),
        NUMBERS("\"x\"", "{}", "[\"x\"]", "[{}]"),
        OBJECTS("\"x\"", "{}", "[1]", "[[]]"),
        OBJECT("\"x\"", "[1]", "5"),
        STRING_MAP("\"x\"", "[]", "{\"A\":{}}", "{\"A\":[1]}"),
        TIMESTAMP("\"tomorrow\"", "{}", "[]", "\"2026-13-01T00:00:00Z\"");

        final List<String> wrong;

        Kind(String... wrong) {
            this.wrong = List.of(wrong);
        }
    }

    /** One request body: where it goes, a valid base, and each field's kind (dotted paths for nested ones). */
    record Body(String method, String path, String base, Map<String, Kind> fields) {
    }

    record Case(String name, String method, String path, String body, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Map<String, Kind> fields(Object... pairs) {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return m;
    }

    static List<Body> bodies() {
        Map<String, Kind> pool = fields("name", Kind.STRING, "type", Kind.STRING, "description", Kind.STRING,
                "concurrencyLimit", Kind.INTEGER, "paused", Kind.BOOLEAN);
        Map<String, Kind> queue = fields("name", Kind.STRING, "priority", Kind.INTEGER, "concurrencyLimit", Kind.INTEGER,
                "paused", Kind.BOOLEAN);
        Map<String, Kind> schedule = fields("name", Kind.STRING, "cron", Kind.STRING, "intervalSeconds", Kind.NUMBER,
                "anchor", Kind.STRING, "rrule", Kind.STRING, "dtstart", Kind.STRING, "timezone", Kind.STRING,
                "active", Kind.BOOLEAN, "parameters", Kind.OBJECT);
        Map<String, Kind> deployment = fields("name", Kind.STRING, "flowName", Kind.STRING, "description", Kind.STRING,
                "workPool", Kind.STRING, "workQueue", Kind.STRING, "entrypoint", Kind.OBJECT,
                "entrypoint.command", Kind.STRINGS, "entrypoint.workingDir", Kind.STRING, "entrypoint.env", Kind.STRING_MAP,
                "parameters", Kind.OBJECT, "parameterSchema", Kind.OBJECT, "schedules", Kind.OBJECTS,
                "retries", Kind.INTEGER, "retryDelaysSeconds", Kind.NUMBERS, "timeoutSeconds", Kind.NUMBER,
                "tags", Kind.STRINGS, "concurrencyLimit", Kind.INTEGER, "catchup", Kind.STRING,
                "catchupMaxRuns", Kind.INTEGER, "maxLatenessSeconds", Kind.NUMBER, "paused", Kind.BOOLEAN);
        schedule.forEach((k, v) -> deployment.put("schedules[0]." + k, v));
        Map<String, Kind> preview = fields("schedule", Kind.OBJECT, "from", Kind.TIMESTAMP, "to", Kind.TIMESTAMP,
                "count", Kind.INTEGER);
        schedule.forEach((k, v) -> preview.put("schedule." + k, v));
        String deploymentBase = "{\"name\":\"mr-rejected\",\"flowName\":\"f\",\"workPool\":\"" + POOL + "\","
                + "\"entrypoint\":{\"command\":[\"true\"]},\"schedules\":[{\"cron\":\"@daily\"}]}";
        return List.of(
                new Body("POST", "/api/v1/work-pools", "{\"name\":\"mr-rejected\"}", pool),
                new Body("PATCH", "/api/v1/work-pools/" + POOL, "{}", pool),
                new Body("POST", "/api/v1/work-pools/" + POOL + "/queues", "{\"name\":\"mr-rejected\"}", queue),
                new Body("PATCH", "/api/v1/work-pools/" + POOL + "/queues/default", "{}", queue),
                new Body("POST", "/api/v1/deployments", deploymentBase, deployment),
                new Body("PATCH", "/api/v1/deployments/" + DEPLOYMENT, "{\"paused\":false}", fields("paused", Kind.BOOLEAN)),
                new Body("POST", "/api/v1/deployments/" + DEPLOYMENT + "/runs", "{}", fields("parameters", Kind.OBJECT,
                        "name", Kind.STRING, "tags", Kind.STRINGS, "scheduledAt", Kind.TIMESTAMP,
                        "idempotencyKey", Kind.STRING)),
                new Body("POST", "/api/v1/deployments/" + DEPLOYMENT + "/backfills",
                        "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-02T00:00:00Z\"}",
                        fields("from", Kind.TIMESTAMP, "to", Kind.TIMESTAMP, "parameters", Kind.OBJECT,
                                "maxActive", Kind.INTEGER, "schedule", Kind.STRING)),
                new Body("POST", "/api/v1/flow-runs", "{\"flowName\":\"f\"}", fields("flowName", Kind.STRING,
                        "name", Kind.STRING, "parameters", Kind.OBJECT, "tags", Kind.STRINGS, "reporter", Kind.STRING)),
                new Body("POST", "/api/v1/api-keys", "{\"name\":\"mr-rejected\",\"role\":\"viewer\"}",
                        fields("name", Kind.STRING, "role", Kind.STRING, "pools", Kind.STRINGS)),
                new Body("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"cron\":\"@daily\"}}", preview));
    }

    static Stream<Case> wrongTypes() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (Body b : bodies()) {
            for (Map.Entry<String, Kind> f : b.fields().entrySet()) {
                for (String value : f.getValue().wrong) {
                    String body = JSON.writeValueAsString(replaced(JSON.readTree(b.base()), f.getKey(), value));
                    cases.add(new Case(b.method() + " " + b.path() + " " + f.getKey() + "=" + value, b.method(), b.path(),
                            body, f.getKey()));
                }
            }
        }
        return cases.stream();
    }

    /** The base body with the member at {@code path} ("a.b", "a[0].b") set to {@code raw} JSON. */
    private static JsonNode replaced(JsonNode base, String path, String raw) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) base;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            String part = parts[i];
            if (part.endsWith("[0]")) {
                String name = part.substring(0, part.length() - 3);
                node = (com.fasterxml.jackson.databind.node.ObjectNode) node.withArray(name).get(0);
            } else {
                node = node.has(part) && node.get(part).isObject()
                        ? (com.fasterxml.jackson.databind.node.ObjectNode) node.get(part) : node.putObject(part);
            }
        }
        node.set(parts[parts.length - 1], JSON.readTree(raw));
        return base;
    }

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        assertThat(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"" + POOL + "\"}").statusCode()).isEqualTo(201);
        assertThat(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"" + DEPLOYMENT + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"command\":[\"true\"]},"
                + "\"schedules\":[{\"cron\":\"@daily\"}]}").statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (cp != null) {
            cp.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void wrongTypeNamesTheFieldInUserWords(Case c) throws Exception {
        var r = cp.admin(c.method(), c.path(), c.body());
        String got = r.statusCode() + " " + r.body();
        assertThat(r.statusCode()).as(got).isIn(400, 422);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(got).startsWith(Problem.MEDIA_TYPE);
        JsonNode doc = JSON.readTree(r.body());
        List<String> named = new ArrayList<>();
        doc.path("errors").forEach(e -> named.add(e.path("field").asText()));
        assertThat(named).as(got).anyMatch(n -> n.equals(c.field()) || n.startsWith(c.field() + "[")
                || n.startsWith(c.field() + "."));
        assertNoJavaNames(r.body());
    }

    /** A key given twice is refused, not read as its last value; neither value is stored. */
    @org.junit.jupiter.api.Test
    void duplicateKeysAreRefused() throws Exception {
        var pool = cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"mr-dup-first\",\"name\":\"mr-dup-last\"}");
        assertThat(pool.statusCode()).as(pool.body()).isEqualTo(400);
        assertThat(JSON.readTree(pool.body()).path("detail").asText()).contains("Duplicate field 'name'");
        assertNoJavaNames(pool.body());
        assertThat(cp.admin("GET", "/api/v1/work-pools/mr-dup-first", null).statusCode()).isEqualTo(404);
        assertThat(cp.admin("GET", "/api/v1/work-pools/mr-dup-last", null).statusCode()).isEqualTo(404);
        var nested = cp.admin("POST", "/api/v1/deployments/" + DEPLOYMENT + "/runs",
                "{\"parameters\":{\"x\":1,\"x\":2}}");
        assertThat(nested.statusCode()).as(nested.body()).isEqualTo(400);
    }

    /** The words themselves, for a few representative mistakes. */
    @org.junit.jupiter.api.Test
    void messagesSayWhatTheValueMustBe() throws Exception {
        String dep = "{\"name\":\"mr-rejected\",\"flowName\":\"f\",\"workPool\":\"" + POOL + "\",";
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(dep + "\"entrypoint\":{\"command\":\"true\"}}", "entrypoint.command: must be an array of strings");
        expected.put(dep + "\"entrypoint\":{\"command\":[\"a\"]},\"retries\":\"two\"}", "retries: 'two' is not an integer");
        expected.put(dep + "\"entrypoint\":{\"command\":[\"a\"]},\"retries\":99999999999}",
                "retries: must be an integer from -2147483648 to 2147483647");
        expected.put(dep + "\"entrypoint\":{\"command\":[\"a\"]},\"retryDelaysSeconds\":[\"x\"]}",
                "retryDelaysSeconds[0]: 'x' is not a number");
        expected.put(dep + "\"entrypoint\":{\"command\":[\"a\"]},\"paused\":{}}", "paused: must be true or false");
        expected.put(dep + "\"entrypoint\":{\"command\":[\"a\"]},\"parameters\":[1]}", "parameters: must be an object");
        expected.put(dep + "\"entrypoint\":{\"command\":[\"a\"],\"env\":{\"A\":[1]}}}",
                "entrypoint.env.A: must be a string");
        expected.put("[]", "body: the body must be an object");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            var r = cp.admin("POST", "/api/v1/deployments", e.getKey());
            assertThat(JSON.readTree(r.body()).path("detail").asText()).as(e.getKey()).isEqualTo(e.getValue());
        }
        var run = cp.admin("POST", "/api/v1/deployments/" + DEPLOYMENT + "/runs", "{\"scheduledAt\":\"tomorrow\"}");
        assertThat(JSON.readTree(run.body()).path("detail").asText())
                .isEqualTo("scheduledAt: 'tomorrow' is not a timestamp with an offset, such as 2026-03-01T10:00:00Z");
    }

    /** A raw request Jetty parses (or refuses to), the status it must get, and a field if one applies. */
    record Raw(String name, String request, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Raw> rawRequests() {
        String auth = "Authorization: Bearer " + TestControlPlane.ADMIN_KEY + "\r\n";
        String host = "Host: 127.0.0.1\r\n";
        String end = "Connection: close\r\n\r\n";
        return Stream.of(
                new Raw("NUL byte in a path", "GET /api/v1/flow-runs/%00 HTTP/1.1\r\n" + host + auth + end, 400),
                new Raw("NUL byte in a pool name", "GET /api/v1/work-pools/a%00b HTTP/1.1\r\n" + host + auth + end, 400),
                new Raw("invalid UTF-8 in a path", "GET /api/v1/work-pools/%C0%AF HTTP/1.1\r\n" + host + auth + end, 400),
                new Raw("encoded slash and dot segments", "GET /api/v1/%2e%2e/%2e%2e/etc HTTP/1.1\r\n" + host + auth + end, 400),
                new Raw("header over 8 KiB", "GET /api/v1/work-pools HTTP/1.1\r\n" + host + auth
                        + "X-Padding: " + "p".repeat(20_000) + "\r\n" + end, 431),
                new Raw("URI over 8 KiB", "GET /api/v1/work-pools?x=" + "u".repeat(20_000) + " HTTP/1.1\r\n" + host
                        + auth + end, 414),
                new Raw("unknown method", "BREW /api/v1/work-pools HTTP/1.1\r\n" + host + auth + end, 405),
                new Raw("no Host header", "GET /api/v1/work-pools HTTP/1.1\r\n" + auth + end, 400),
                new Raw("unparsable Content-Length", "POST /api/v1/work-pools HTTP/1.1\r\n" + host + auth
                        + "Content-Type: application/json\r\nContent-Length: lots\r\n" + end, 400),
                new Raw("a request line that is not HTTP", "HELLO THERE\r\n" + host + end, 505),
                new Raw("body declared over the limit", "POST /api/v1/work-pools HTTP/1.1\r\n" + host + auth
                        + "Content-Type: application/json\r\nContent-Length: 999999999\r\n" + end, 413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawRequests")
    void jettyRejectionsAreProblems(Raw c) throws Exception {
        RawResponse r = send(c.request());
        String got = r.status + " " + r.headers + " " + r.body;
        assertThat(r.status).as(got).isEqualTo(c.status());
        assertThat(r.headers.getOrDefault("content-type", "")).as(got).startsWith(Problem.MEDIA_TYPE);
        JsonNode doc = JSON.readTree(r.body);
        assertThat(doc.path("status").asInt()).as(got).isEqualTo(c.status());
        assertThat(doc.path("title").asText()).as(got).isNotBlank();
        assertNoJavaNames(r.body);
    }

    static void assertNoJavaNames(String body) {
        assertThat(JAVA_NAMES.matcher(body).find()).as("Java names in " + body).isFalse();
    }

    record RawResponse(int status, Map<String, String> headers, String body) {
    }

    private static RawResponse send(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", cp.rest("/").getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // The server may close after answering while our request was still arriving.
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            assertThat(split).as("no complete answer: " + text).isPositive();
            String[] head = text.substring(0, split).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            String body = text.substring(split + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new RawResponse(Integer.parseInt(head[0].split(" ")[1]), headers, body);
        }
    }

    private static String dechunk(String body) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            b.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return b.toString();
    }
}
