package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment's parameter schema never makes the control plane fetch a URL or read a file: not
 * through {@code $schema}, and not through a remote {@code $ref} when schedules carry parameters
 * (those were checked against the schema before the schema itself was). Each such body is a 422
 * naming {@code parameterSchema}, and nothing is stored.
 */
class ParameterSchemaFetchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static HttpServer bait;
    static final List<String> fetched = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        bait = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bait.createContext("/", exchange -> {
            fetched.add(exchange.getRequestURI().toString());
            byte[] body = "{\"type\":\"object\"}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        bait.start();
        cp = TestControlPlane.start(dir, Clock.systemUTC());
        assertThat(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"psf-pool\"}").statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        cp.close();
        bait.stop(0);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + bait.getAddress().getPort() + path;
    }

    static Stream<String> schemas() {
        return Stream.of(
                "{\"$schema\":\"" + url("/meta.json") + "\"}",
                "{\"$schema\":\"file:///etc/passwd\"}",
                "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"" + url("/n.json") + "\"}}}",
                "{\"$ref\":\"" + url("/root.json") + "\"}",
                "{\"$ref\":1}",
                "{\"$ref\":\"#/definitions/missing\"}");
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void noSchemaIsFetchedAndNothingIsStored(String schema) throws Exception {
        for (boolean withScheduleParameters : new boolean[]{false, true}) {
            String schedules = withScheduleParameters ? ",\"schedules\":[{\"cron\":\"@daily\",\"parameters\":{\"n\":2}}]" : "";
            String body = "{\"name\":\"psf-dep\",\"flowName\":\"f\",\"workPool\":\"psf-pool\","
                    + "\"entrypoint\":{\"command\":[\"true\"]},\"parameterSchema\":" + schema + schedules + "}";
            HttpResponse<String> r = cp.admin("POST", "/api/v1/deployments", body);
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(422);
            JsonNode doc = JSON.readTree(r.body());
            assertThat(doc.path("errors").get(0).path("field").asText()).as(r.body()).startsWith("parameterSchema");
            assertThat(cp.admin("GET", "/api/v1/deployments/psf-dep", null).statusCode()).isEqualTo(404);
        }
        assertThat(fetched).as("requests the control plane made to URLs in the schema").isEmpty();
    }
}
