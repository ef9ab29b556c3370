package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.runs.RunFilter;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad requests, with the admin key: each gets its exact 4xx, as application/problem+json naming
 * the offending field, never a 5xx; and none leaves anything half-written behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM = "application/problem+json";
    private static final String POOL = "bi-pool";
    private static final String DEPLOYMENT = "bi-dep";
    /** Every name a rejected row tries to create starts with this. */
    private static final String REJECTED = "bi-rejected-";
    private static final int MIB = 1024 * 1024;
    /** The deployment's runs that the fixtures create; no rejected row may add one. */
    private static final int FIXTURE_RUNS = 5;

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Placeholder in a row's path → fixture value. */
    static final Map<String, String> VALUES = new ConcurrentHashMap<>();
    /** Row name → what went wrong (only rows that failed). */
    static final ConcurrentMap<String, String> FAILED = new ConcurrentHashMap<>();

    /**
     * One bad request: method, path (with {placeholders}), body, extra headers; the exact status it
     * must get and the fields its problem document must name.
     */
    record Case(String name, String method, String path, String body, Map<String, String> headers, boolean chunked,
                int status, List<String> fields, String detail) {
        @Override
        public String toString() {
            return name;
        }

        Case header(String name, String value) {
            Map<String, String> h = new java.util.LinkedHashMap<>(headers);
            h.put(name, value);
            return new Case(this.name, method, path, body, h, chunked, status, fields, detail);
        }

        Case detail(String text) {
            return new Case(name, method, path, body, headers, chunked, status, fields, text);
        }

        Case withoutLength() {
            return new Case(name, method, path, body, headers, true, status, fields, detail);
        }
    }

    private static Case row(String name, String method, String path, String body, int status, String... fields) {
        return new Case(name, method, path, body, Map.of(), false, status, List.of(fields), null);
    }

    private static int seq;

    private static String rejected() {
        return REJECTED + (++seq);
    }

    /** A valid deployment body (on the fixture pool) named {@code name}, with extra members. */
    private static String deployment(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"flowName\":\"f\",\"workPool\":\"" + POOL + "\","
                + "\"entrypoint\":{\"command\":[\"true\"]}" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String withSchedules(String... schedules) {
        return deployment(rejected(), "\"schedules\":[" + String.join(",", schedules) + "]");
    }

    static Stream<Case> cases() {
        String deployments = "/api/v1/deployments";
        String pools = "/api/v1/work-pools";
        String keys = "/api/v1/api-keys";
        String runs = "/api/v1/flow-runs";
        String runOf = deployments + "/" + DEPLOYMENT + "/runs";
        List<Case> c = new ArrayList<>();

        // Malformed JSON and bodies of the wrong shape.
        c.add(row("malformed JSON (work pool)", "POST", pools, "{\"name\": \"" + rejected() + "\"", 400)
                .detail("malformed JSON"));
        c.add(row("malformed JSON (deployment)", "POST", deployments, "{\"name\":\"" + rejected() + "\",,}", 400)
                .detail("malformed JSON"));
        c.add(row("not JSON at all (API key)", "POST", keys, "name=" + rejected() + "&role=viewer", 400)
                .detail("malformed JSON"));
        c.add(row("JSON array instead of an object", "POST", deployments, "[]", 400));
        c.add(row("JSON null body", "POST", pools, "null", 422, "body"));
        c.add(row("no body", "POST", pools, null, 422, "body"));
        c.add(row("no body (deployment)", "POST", deployments, null, 422, "body"));
        c.add(row("no body (PATCH deployment)", "PATCH", deployments + "/" + DEPLOYMENT, null, 422, "body"));

        // Unknown fields.
        c.add(row("unknown field (work pool)", "POST", pools, "{\"name\":\"" + rejected() + "\",\"colour\":\"red\"}",
                400, "colour"));
        c.add(row("unknown field (deployment)", "POST", deployments, deployment(rejected(), "\"retires\":2"), 400,
                "retires"));
        c.add(row("unknown nested field", "POST", deployments, "{\"name\":\"" + rejected() + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"cmd\":[\"true\"]}}", 400, "entrypoint.cmd"));
        c.add(row("unknown field in a schedule", "POST", deployments,
                withSchedules("{\"crontab\":\"0 * * * *\"}"), 400, "schedules[0].crontab"));
        c.add(row("unknown field (run request)", "POST", runOf, "{\"params\":{\"x\":2}}", 400, "params"));
        c.add(row("unknown field (API key)", "POST", keys,
                "{\"name\":\"" + rejected() + "\",\"role\":\"viewer\",\"admin\":true}", 400, "admin"));

        // Wrong types.
        c.add(row("string for concurrencyLimit (work pool)", "POST", pools,
                "{\"name\":\"" + rejected() + "\",\"concurrencyLimit\":\"lots\"}", 400, "concurrencyLimit"));
        c.add(row("string for concurrencyLimit (deployment)", "POST", deployments,
                deployment(rejected(), "\"concurrencyLimit\":\"lots\""), 400, "concurrencyLimit"));
        c.add(row("concurrencyLimit out of int range", "POST", pools,
                "{\"name\":\"" + rejected() + "\",\"concurrencyLimit\":99999999999}", 400, "concurrencyLimit"));
        c.add(row("string for a command list", "POST", deployments, "{\"name\":\"" + rejected() + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"command\":\"true\"}}", 400, "entrypoint.command"));
        c.add(row("string for paused", "PATCH", deployments + "/" + DEPLOYMENT, "{\"paused\":\"maybe\"}", 400, "paused"));
        c.add(row("array for parameters", "POST", runOf, "{\"parameters\":[1,2]}", 400, "parameters"));
        c.add(row("unparsable scheduledAt", "POST", runOf, "{\"scheduledAt\":\"tomorrow\"}", 400, "scheduledAt"));

        // Unknown enum-like values.
        c.add(row("unknown role", "POST", keys, "{\"name\":\"" + rejected() + "\",\"role\":\"superuser\"}", 422, "role"));
        c.add(row("role in the wrong case", "POST", keys, "{\"name\":\"" + rejected() + "\",\"role\":\"Admin\"}", 422,
                "role"));
        c.add(row("unknown pool type", "POST", pools, "{\"name\":\"" + rejected() + "\",\"type\":\"kubernetes2\"}", 422,
                "type"));

        // Missing required fields.
        c.add(row("empty deployment", "POST", deployments, "{}", 422, "name", "flowName", "workPool", "entrypoint"));
        c.add(row("empty work pool", "POST", pools, "{}", 422, "name"));
        c.add(row("API key without a name", "POST", keys, "{\"role\":\"viewer\"}", 422, "name"));
        c.add(row("API key without a role", "POST", keys, "{\"name\":\"" + rejected() + "\"}", 422, "role"));
        c.add(row("queue without a name", "POST", pools + "/" + POOL + "/queues", "{}", 422, "name"));
        c.add(row("PATCH deployment without paused", "PATCH", deployments + "/" + DEPLOYMENT, "{}", 422, "paused"));
        c.add(row("empty command", "POST", deployments, "{\"name\":\"" + rejected() + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"command\":[]}}", 422, "entrypoint.command"));

        // Schedules.
        c.add(row("invalid cron", "POST", deployments, withSchedules("{\"cron\":\"61 * * * *\"}"), 422,
                "schedules[0].cron"));
        c.add(row("unknown cron macro", "POST", deployments, withSchedules("{\"cron\":\"@fortnightly\"}"), 422,
                "schedules[0].cron"));
        c.add(row("empty cron", "POST", deployments, withSchedules("{\"cron\":\"\"}"), 422, "schedules[0].cron"));
        c.add(row("invalid RRULE", "POST", deployments, withSchedules("{\"rrule\":\"FREQ=SOMETIMES\"}"), 422,
                "schedules[0].rrule"));
        c.add(row("invalid time zone", "POST", deployments,
                withSchedules("{\"cron\":\"0 * * * *\",\"timezone\":\"Mars/Base\"}"), 422, "schedules[0].timezone"));
        c.add(row("two schedule kinds at once", "POST", deployments,
                withSchedules("{\"cron\":\"0 * * * *\",\"intervalSeconds\":60}"), 422, "schedules[0]"));
        c.add(row("no schedule kind", "POST", deployments, withSchedules("{\"timezone\":\"UTC\"}"), 422,
                "schedules[0]"));
        c.add(row("null schedule", "POST", deployments, withSchedules("null"), 422, "schedules[0]"));
        c.add(row("interval 0", "POST", deployments, withSchedules("{\"intervalSeconds\":0}"), 422,
                "schedules[0].intervalSeconds"));
        c.add(row("unparsable anchor", "POST", deployments, withSchedules("{\"intervalSeconds\":60,\"anchor\":\"soon\"}"),
                422, "schedules[0].anchor"));
        c.add(row("the second schedule is invalid", "POST", deployments,
                withSchedules("{\"cron\":\"@daily\"}", "{\"cron\":\"0 25 * * *\"}"), 422, "schedules[1].cron"));

        // Numbers out of range.
        c.add(row("negative retries", "POST", deployments, deployment(rejected(), "\"retries\":-1"), 422, "retries"));
        c.add(row("negative retry delay", "POST", deployments, deployment(rejected(), "\"retryDelaysSeconds\":[10,-5]"),
                422, "retryDelaysSeconds[1]"));
        c.add(row("timeout 0", "POST", deployments, deployment(rejected(), "\"timeoutSeconds\":0"), 422,
                "timeoutSeconds"));
        c.add(row("deployment concurrencyLimit 0", "POST", deployments, deployment(rejected(), "\"concurrencyLimit\":0"),
                422, "concurrencyLimit"));
        c.add(row("negative pool concurrencyLimit", "POST", pools,
                "{\"name\":\"" + rejected() + "\",\"concurrencyLimit\":-1}", 422, "concurrencyLimit"));
        c.add(row("negative pool concurrencyLimit (PATCH)", "PATCH", pools + "/" + POOL, "{\"concurrencyLimit\":-1}",
                422, "concurrencyLimit"));
        c.add(row("queue priority 0", "POST", pools + "/" + POOL + "/queues",
                "{\"name\":\"" + rejected() + "\",\"priority\":0}", 422, "priority"));
        c.add(row("blank tag", "POST", deployments, deployment(rejected(), "\"tags\":[\"ok\",\" \"]"), 422, "tags[1]"));
        c.add(row("invalid environment variable name", "POST", deployments, "{\"name\":\"" + rejected()
                + "\",\"flowName\":\"f\",\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"command\":[\"true\"],"
                + "\"env\":{\"1BAD\":\"x\"}}}", 422, "entrypoint.env.1BAD"));
        c.add(row("invalid deployment name", "POST", deployments, deployment("bad name!", ""), 422, "name"));
        c.add(row("renaming a pool", "PATCH", pools + "/" + POOL, "{\"name\":\"" + rejected() + "\"}", 422, "name"));
        c.add(row("changing a pool's type", "PATCH", pools + "/" + POOL, "{\"type\":\"process\"}", 422, "type"));
        c.add(row("blank run name", "POST", runOf, "{\"name\":\" \"}", 422, "name"));
        c.add(row("over-long Idempotency-Key on a run", "POST", runOf, "{}", 422, "idempotencyKey")
                .header("Idempotency-Key", "k".repeat(201)));
        c.add(row("pools on a developer key", "POST", keys,
                "{\"name\":\"" + rejected() + "\",\"role\":\"developer\",\"pools\":[\"" + POOL + "\"]}", 422, "pools"));

        // Too large.
        String big = deployment(rejected(), "\"description\":\"" + "a".repeat(MIB + 1000) + "\"");
        c.add(row("body over 1 MiB (with Content-Length)", "POST", deployments, big, 413));
        c.add(row("body over 1 MiB (chunked)", "POST", deployments, big, 413).withoutLength());

        // Parameters and their JSON Schema.
        c.add(row("parameter violates the schema (minimum)", "POST", runOf, "{\"parameters\":{\"x\":0}}", 422,
                "parameters.x"));
        c.add(row("parameter violates the schema (type)", "POST", runOf, "{\"parameters\":{\"x\":\"ten\"}}", 422,
                "parameters.x"));
        c.add(row("secret parameter given a value", "POST", runOf, "{\"parameters\":{\"pw\":\"hunter2\"}}", 422,
                "parameters.pw"));
        c.add(row("default parameters violate the schema", "POST", deployments, deployment(rejected(),
                "\"parameters\":{\"x\":0},\"parameterSchema\":{\"type\":\"object\",\"properties\":{\"x\":"
                        + "{\"type\":\"integer\",\"minimum\":1}}}"), 422, "parameters.x"));
        c.add(row("secret given a default value", "POST", deployments, deployment(rejected(),
                "\"parameters\":{\"pw\":\"hunter2\"},\"parameterSchema\":{\"type\":\"object\",\"properties\":{\"pw\":"
                        + "{\"type\":\"string\",\"format\":\"password\"}}}"), 422, "parameters.pw"));
        c.add(row("invalid JSON Schema (unknown type)", "POST", deployments, deployment(rejected(),
                "\"parameterSchema\":{\"type\":\"nonsense\"}"), 422, "parameterSchema.type"));
        c.add(row("invalid JSON Schema (minimum not a number)", "POST", deployments, deployment(rejected(),
                "\"parameterSchema\":{\"type\":\"object\",\"properties\":{\"x\":{\"minimum\":\"one\"}}}"), 422,
                "parameterSchema.properties.x.minimum"));

        // Unknown things.
        c.add(row("unknown deployment name", "GET", deployments + "/bi-no-such-deployment", null, 404));
        c.add(row("unknown deployment id", "GET", deployments + "/{randomUuid}", null, 404));
        c.add(row("run of an unknown deployment", "POST", deployments + "/bi-no-such-deployment/runs", "{}", 404));
        c.add(row("pause an unknown deployment", "PATCH", deployments + "/bi-no-such-deployment", "{\"paused\":true}",
                404));
        c.add(row("delete an unknown deployment", "DELETE", deployments + "/bi-no-such-deployment", null, 404));
        c.add(row("unknown run id", "GET", runs + "/{randomUuid}", null, 404));
        c.add(row("history of an unknown run", "GET", runs + "/{randomUuid}/states", null, 404));
        c.add(row("logs of an unknown run", "GET", runs + "/{randomUuid}/logs", null, 404));
        c.add(row("cancel an unknown run", "POST", runs + "/{randomUuid}/cancel", null, 404));
        c.add(row("retry an unknown run", "POST", runs + "/{randomUuid}/retry", null, 404));
        c.add(row("non-UUID run id", "GET", runs + "/not-a-uuid", null, 404, "id"));
        c.add(row("non-UUID run id (cancel)", "POST", runs + "/12345/cancel", null, 404, "id"));
        c.add(row("unknown work pool", "GET", pools + "/bi-no-such-pool", null, 404));
        c.add(row("queues of an unknown work pool", "GET", pools + "/bi-no-such-pool/queues", null, 404));
        c.add(row("update an unknown queue", "PATCH", pools + "/" + POOL + "/queues/bi-no-such-queue",
                "{\"priority\":2}", 404));
        c.add(row("delete an unknown queue", "DELETE", pools + "/" + POOL + "/queues/bi-no-such-queue", null, 404));
        c.add(row("unknown agent", "GET", "/api/v1/agents/bi-no-such-agent", null, 404));
        c.add(row("revoke an unknown API key", "DELETE", keys + "/{randomUuid}", null, 404));
        c.add(row("revoke a non-UUID API key", "DELETE", keys + "/not-a-uuid", null, 404, "id"));
        c.add(row("unknown work pool on deployment upsert", "POST", deployments,
                "{\"name\":\"" + rejected() + "\",\"flowName\":\"f\",\"workPool\":\"bi-no-such-pool\","
                        + "\"entrypoint\":{\"command\":[\"true\"]}}", 422, "workPool"));
        c.add(row("unknown work queue on deployment upsert", "POST", deployments,
                deployment(rejected(), "\"workQueue\":\"bi-no-such-queue\""), 422, "workQueue"));
        c.add(row("runs of an unknown deployment", "GET", runs + "?deployment=bi-no-such-deployment", null, 404));

        // Query parameters.
        c.add(row("limit=0", "GET", runs + "?limit=0", null, 422, "limit"));
        c.add(row("limit=501", "GET", runs + "?limit=501", null, 422, "limit"));
        c.add(row("limit=abc", "GET", runs + "?limit=abc", null, 400, "limit"));
        c.add(row("state=BOGUS", "GET", runs + "?state=BOGUS", null, 422, "state"));
        c.add(row("state list with one bogus entry", "GET", runs + "?state=RUNNING,BOGUS", null, 422, "state"));
        c.add(row("created-after=yesterday", "GET", runs + "?created-after=yesterday", null, 422, "created-after"));
        c.add(row("created-before=2026-13-01", "GET", runs + "?created-before=2026-13-01", null, 422, "created-before"));
        c.add(row("cursor=garbage", "GET", runs + "?cursor=garbage", null, 422, "cursor"));
        c.add(row("cursor that is not base64", "GET", runs + "?cursor=%21%21%21", null, 422, "cursor"));
        c.add(row("logs limit=0", "GET", runs + "/{scheduledRun}/logs?limit=0", null, 422, "limit"));
        c.add(row("logs wait=31", "GET", runs + "/{scheduledRun}/logs?wait=31", null, 422, "wait"));
        c.add(row("logs wait=-1", "GET", runs + "/{scheduledRun}/logs?wait=-1", null, 422, "wait"));
        c.add(row("logs wait=abc", "GET", runs + "/{scheduledRun}/logs?wait=abc", null, 400, "wait"));
        c.add(row("logs after=abc", "GET", runs + "/{scheduledRun}/logs?after=abc", null, 400, "after"));

        // State conflicts: never a 5xx.
        c.add(row("cancel a COMPLETED run", "POST", runs + "/{completedRun}/cancel", null, 409));
        c.add(row("cancel an already CANCELLED run (no-op)", "POST", runs + "/{cancelledRun}/cancel", null, 200));
        c.add(row("retry a COMPLETED run", "POST", runs + "/{completedRun}/retry", null, 409));
        c.add(row("retry a SCHEDULED run", "POST", runs + "/{scheduledRun}/retry", null, 409));
        c.add(row("duplicate work pool", "POST", pools, "{\"name\":\"" + POOL + "\"}", 409));
        c.add(row("duplicate queue", "POST", pools + "/" + POOL + "/queues", "{\"name\":\"default\"}", 409));
        c.add(row("delete the default queue", "DELETE", pools + "/" + POOL + "/queues/default", null, 409));
        c.add(row("delete a pool that deployments use", "DELETE", pools + "/" + POOL, null, 409));

        // More shapes that must be refused cleanly.
        c.add(row("JSON nested 3000 levels deep", "POST", runOf,
                "{\"parameters\":{\"s\":" + "[".repeat(3000) + "]".repeat(3000) + "}}", 400));
        c.add(row("RRULE with a malformed UNTIL", "POST", deployments,
                withSchedules("{\"rrule\":\"FREQ=DAILY;UNTIL=2\"}"), 422, "schedules[0].rrule"));
        c.add(row("RRULE with BYHOUR=99", "POST", deployments, withSchedules("{\"rrule\":\"FREQ=DAILY;BYHOUR=99\"}"),
                422, "schedules[0].rrule"));
        c.add(row("empty RRULE", "POST", deployments, withSchedules("{\"rrule\":\"\"}"), 422, "schedules[0].rrule"));
        c.add(row("blank cron", "POST", deployments, withSchedules("{\"cron\":\"   \"}"), 422, "schedules[0].cron"));
        c.add(row("empty time zone", "POST", deployments,
                withSchedules("{\"cron\":\"0 * * * *\",\"timezone\":\"\"}"), 422, "schedules[0].timezone"));
        c.add(row("API key name over 200 characters", "POST", keys,
                "{\"name\":\"" + "n".repeat(201) + "\",\"role\":\"viewer\"}", 422, "name"));
        c.add(row("pool description over 2000 characters", "POST", pools,
                "{\"name\":\"" + rejected() + "\",\"description\":\"" + "d".repeat(2001) + "\"}", 422, "description"));
        c.add(row("limit beyond int", "GET", runs + "?limit=99999999999", null, 400, "limit"));
        c.add(row("cursor with a non-numeric time", "GET", runs + "?cursor=" + java.util.Base64.getUrlEncoder()
                .withoutPadding().encodeToString("99999999999999999999:x".getBytes(StandardCharsets.UTF_8)), null, 422,
                "cursor"));
        c.add(row("null environment value", "POST", deployments, "{\"name\":\"" + rejected() + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"command\":[\"true\"],\"env\":{\"A\":null}}}", 422,
                "entrypoint.env.A"));
        c.add(row("null in the command", "POST", deployments, "{\"name\":\"" + rejected() + "\",\"flowName\":\"f\","
                + "\"workPool\":\"" + POOL + "\",\"entrypoint\":{\"command\":[null]}}", 422, "entrypoint.command"));
        c.add(row("null retry delay", "POST", deployments, deployment(rejected(), "\"retryDelaysSeconds\":[null]"), 422,
                "retryDelaysSeconds[0]"));
        c.add(row("null deployment tag", "POST", deployments, deployment(rejected(), "\"tags\":[null]"), 422,
                "tags[0]"));

        // Rows that get a 500 today (main-code bugs, reported): the correct answer is asserted.
        c.add(row("null pool name on an agent key", "POST", keys,
                "{\"name\":\"" + rejected() + "\",\"role\":\"agent\",\"pools\":[null]}", 422, "pools*"));
        c.add(row("null tag on a run", "POST", runOf, "{\"tags\":[null]}", 422, "tags*"));
        c.add(row("scheduledAt beyond what the store can hold", "POST", runOf,
                "{\"scheduledAt\":\"+1000000000-01-01T00:00:00Z\"}", 422, "scheduledAt"));
        c.add(row("created-after beyond what the store can hold", "GET",
                runs + "?created-after=%2B1000000000-01-01T00:00:00Z", null, 422, "created-after"));
        c.add(row("over-long Idempotency-Key on cancel", "POST", runs + "/{probeRun}/cancel", null, 422, "Idempotency-Key")
                .header("Idempotency-Key", "k".repeat(300)));
        c.add(row("over-long Idempotency-Key on retry", "POST", runs + "/{probeCancelledRun}/retry", null, 422,
                "Idempotency-Key").header("Idempotency-Key", "k".repeat(300)));
        c.add(row("pool description over 2000 characters (PATCH)", "PATCH", pools + "/" + POOL,
                "{\"description\":\"" + "d".repeat(2001) + "\"}", 422, "description"));
        c.add(row("parameter schema with a remote $ref", "POST", deployments, deployment(rejected(),
                "\"parameters\":{\"x\":1},\"parameterSchema\":{\"$ref\":\"http://127.0.0.1:1/schema.json\"}"), 422,
                "parameterSchema*"));
        c.add(row("parameter schema with an invalid regex (with defaults)", "POST", deployments, deployment(rejected(),
                "\"parameters\":{\"s\":\"a\"},\"parameterSchema\":{\"type\":\"object\",\"properties\":{\"s\":"
                        + "{\"type\":\"string\",\"pattern\":\"(\"}}}"), 422, "parameterSchema*"));
        c.add(row("parameter schema with an invalid regex (no defaults)", "POST", deployments, deployment(rejected(),
                "\"parameterSchema\":{\"type\":\"object\",\"properties\":{\"s\":"
                        + "{\"type\":\"string\",\"pattern\":\"(\"}}}"), 422, "parameterSchema*"));

        // HTTP-level mistakes.
        c.add(row("text/plain body", "POST", pools, "{\"name\":\"" + rejected() + "\"}", 415)
                .header("Content-Type", "text/plain"));
        c.add(row("unknown path", "GET", "/api/v1/no-such-thing", null, 404));
        c.add(row("unsupported method", "PUT", pools, "{\"name\":\"" + rejected() + "\"}", 405));
        return c.stream();
    }

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        ok(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"" + POOL + "\"}"), 201);
        ok(cp.admin("POST", "/api/v1/deployments", deployment(DEPLOYMENT, "\"parameters\":{\"x\":1},"
                + "\"parameterSchema\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
                + "\"x\":{\"type\":\"integer\",\"minimum\":1},\"pw\":{\"type\":\"string\",\"format\":\"password\"},"
                + "\"s\":{\"type\":\"string\"}}}")), 201);
        VALUES.put("scheduledRun", newRun());
        String completed = newRun();
        var writer = cp.services().execution().ledger();
        writer.transition(UUID.fromString(completed), r -> StateChange.of(StateType.PENDING, Actor.CLAIM));
        writer.transition(UUID.fromString(completed), r -> StateChange.of(StateType.RUNNING, Actor.AGENT));
        writer.transition(UUID.fromString(completed), r -> StateChange.of(StateType.COMPLETED, Actor.AGENT));
        VALUES.put("completedRun", completed);
        VALUES.put("probeRun", newRun());
        String probeCancelled = newRun();
        ok(cp.admin("POST", "/api/v1/flow-runs/" + probeCancelled + "/cancel", null), 200);
        VALUES.put("probeCancelledRun", probeCancelled);
        String cancelled = newRun();
        ok(cp.admin("POST", "/api/v1/flow-runs/" + cancelled + "/cancel", null), 200);
        VALUES.put("cancelledRun", cancelled);
    }

    @AfterAll
    static void stop() {
        if (cp != null) {
            cp.close();
        }
    }

    private static String newRun() throws Exception {
        return JSON.readTree(ok(cp.admin("POST", "/api/v1/deployments/" + DEPLOYMENT + "/runs", "{}"), 201).body())
                .get("id").asText();
    }

    private static HttpResponse<String> ok(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + " → " + r.body()).isEqualTo(status);
        return r;
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequestGetsItsExact4xx(Case c) throws Exception {
        String problem = problem(c);
        if (problem != null) {
            FAILED.put(c.name(), problem);
            fail(c.name() + ": " + problem);
        }
    }

    /** What is wrong with the answer to a bad request, or null if it is right. */
    private static String problem(Case c) throws Exception {
        HttpResponse<String> r = send(c);
        String got = c.method() + " " + abbreviate(r.uri().toString()) + " → " + r.statusCode() + " "
                + abbreviate(r.body());
        if (r.statusCode() >= 500) {
            return "5xx for user input (expected " + c.status() + "): " + got;
        }
        if (r.statusCode() != c.status()) {
            return "expected " + c.status() + ": " + got;
        }
        if (c.status() < 400) {
            return null;
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith(PROBLEM)) {
            return "Content-Type is '" + type + "', not " + PROBLEM + ": " + got;
        }
        if (MalformedRequestTest.JAVA_NAMES.matcher(r.body()).find()) {
            return "the answer names Java internals: " + got;
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(r.body());
        } catch (Exception e) {
            return "body is not JSON: " + got;
        }
        if (doc.path("status").asInt() != c.status()) {
            return "problem document's status is not " + c.status() + ": " + got;
        }
        List<String> named = new ArrayList<>();
        doc.path("errors").forEach(e -> named.add(e.path("field").asText()));
        for (String field : c.fields()) {
            // "name*": the field itself or one inside it (name.x, name[0]).
            String base = field.endsWith("*") ? field.substring(0, field.length() - 1) : field;
            boolean found = named.contains(base) || field.endsWith("*") && named.stream()
                    .anyMatch(n -> n.startsWith(base + ".") || n.startsWith(base + "["));
            if (!found) {
                return "problem does not name field '" + field + "' (names " + named + "): " + got;
            }
        }
        if (c.detail() != null && !doc.path("detail").asText().contains(c.detail())) {
            return "detail does not mention '" + c.detail() + "': " + got;
        }
        return null;
    }

    private static HttpResponse<String> send(Case c) throws Exception {
        String path = c.path();
        if (path.contains("{randomUuid}")) {
            path = path.replace("{randomUuid}", UUID.randomUUID().toString());
        }
        for (Map.Entry<String, String> v : VALUES.entrySet()) {
            path = path.replace("{" + v.getKey() + "}", v.getValue());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(cp.rest(path)).timeout(Duration.ofSeconds(40))
                .header("Authorization", "Bearer " + TestControlPlane.ADMIN_KEY);
        if (c.body() != null && !c.headers().containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        c.headers().forEach(b::header);
        HttpRequest.BodyPublisher body;
        if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (c.chunked()) {
            byte[] bytes = c.body().getBytes(StandardCharsets.UTF_8);
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            body = HttpRequest.BodyPublishers.ofString(c.body());
        }
        return HTTP.send(b.method(c.method(), body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replace('\n', ' ');
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }

    /** After every row: no rejected request left a pool, deployment, key, queue or run behind. */
    @Order(2)
    @Test
    void nothingHalfWritten() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String list : List.of("/api/v1/deployments", "/api/v1/work-pools", "/api/v1/api-keys",
                "/api/v1/work-pools/" + POOL + "/queues")) {
            JsonNode body = read(list, problems);
            List<String> left = new ArrayList<>();
            if (body != null) {
                body.forEach(item -> {
                    if (item.path("name").asText().startsWith(REJECTED) || item.path("name").asText().equals("bad name!")) {
                        left.add(item.path("name").asText());
                    }
                });
            }
            if (!left.isEmpty()) {
                problems.add(list + " holds what rejected requests tried to create: " + left);
            }
        }
        JsonNode dep = read("/api/v1/deployments/" + DEPLOYMENT, problems);
        if (dep != null) {
            if (dep.get("paused").asBoolean()) {
                problems.add(DEPLOYMENT + " was paused by a rejected PATCH");
            }
            // Counted below the REST views, so a stored run that cannot be shown is still seen.
            List<FlowRun> stored = cp.services().resources().runs().list(new RunFilter(UUID.fromString(dep.get("id").asText()),
                    Set.of(), null, null, null, 500, null)).runs();
            if (stored.size() != FIXTURE_RUNS) {
                problems.add(DEPLOYMENT + " has " + stored.size() + " stored runs, not the fixtures' " + FIXTURE_RUNS
                        + ": rejected run requests were stored (tags " + stored.stream().map(FlowRun::tags).toList() + ")");
            }
        }
        read("/api/v1/flow-runs?deployment=" + DEPLOYMENT, problems);
        JsonNode pool = read("/api/v1/work-pools/" + POOL, problems);
        if (pool != null && (!pool.get("concurrencyLimit").isNull() || !pool.get("description").isNull()
                || !pool.get("type").asText().equals("process"))) {
            problems.add(POOL + " was changed by a rejected PATCH: " + pool);
        }
        Map<String, String> states = Map.of("completedRun", "COMPLETED", "scheduledRun", "SCHEDULED",
                "probeRun", "SCHEDULED", "cancelledRun", "CANCELLED", "probeCancelledRun", "CANCELLED");
        states.forEach((run, state) -> {
            try {
                JsonNode r = read("/api/v1/flow-runs/" + VALUES.get(run), problems);
                if (r != null && !r.at("/state/type").asText().equals(state)) {
                    problems.add("the fixture " + run + " is no longer " + state + ": " + r.get("state"));
                }
            } catch (Exception e) {
                problems.add(run + ": " + e);
            }
        });
        if (!FAILED.isEmpty()) {
            List<String> rows = new ArrayList<>();
            FAILED.forEach((name, why) -> rows.add(name + ": " + why));
            rows.sort(null);
            problems.add(FAILED.size() + " row(s) got a wrong answer:\n    " + String.join("\n    ", rows));
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n  ", problems));
        }
    }

    /** GET with the admin key; a non-200 answer is recorded as a problem and gives null. */
    private static JsonNode read(String path, List<String> problems) throws Exception {
        HttpResponse<String> r = cp.admin("GET", path, null);
        if (r.statusCode() != 200) {
            problems.add("GET " + path + " → " + r.statusCode() + " " + abbreviate(r.body()));
            return null;
        }
        return JSON.readTree(r.body());
    }

    /** Cancelling a run that is already cancelled changes nothing and is not an error. */
    @Order(1)
    @Test
    void cancellingACancelledRunIsANoOp() throws Exception {
        String id = VALUES.get("cancelledRun");
        HttpResponse<String> r = ok(cp.admin("POST", "/api/v1/flow-runs/" + id + "/cancel", null), 200);
        assertThat(JSON.readTree(r.body()).at("/state/type").asText()).isEqualTo("CANCELLED");
        JsonNode history = JSON.readTree(ok(cp.admin("GET", "/api/v1/flow-runs/" + id + "/states", null), 200).body());
        assertThat(history).extracting(h -> h.get("type").asText()).containsExactly("SCHEDULED", "CANCELLED");
    }
}
