package io.flowplane.controlplane.docs;

import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** Swagger UI at /api/docs/ from the WebJar, with our page and initializer, on the real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocsTest {
    @TempDir
    static Path dir;
    TestControlPlane cp;

    @BeforeAll
    void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    @Test
    void thePageLoadsSwaggerUiAndTheServedDocument() throws Exception {
        HttpResponse<String> bare = cp.call("GET", "/api/docs", null, null);
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location").orElse("")).endsWith("/api/docs/");

        HttpResponse<String> page = cp.call("GET", "/api/docs/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Flowplane API</title>", "swagger-ui-bundle.js", "flowplane-docs.js");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'self';", "frame-ancestors 'none'").doesNotContain("unsafe-eval");

        HttpResponse<String> bundle = cp.call("GET", "/api/docs/swagger-ui-bundle.js", null, null);
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        assertThat(cp.call("GET", "/api/docs/swagger-ui.css", null, null).statusCode()).isEqualTo(200);
        assertThat(cp.call("GET", "/api/docs/flowplane-docs.js", null, null).body())
                .contains("'/api/v1/openapi.yaml'", "sessionStorage", "Bearer ");
    }

    @Test
    void onlyItsFilesAndOnlyReads() throws Exception {
        assertThat(cp.call("GET", "/api/docs/nothing-here.js", null, null).statusCode()).isEqualTo(404);
        assertThat(cp.call("GET", "/api/docs/swagger-initializer.js.map", null, null).statusCode()).isEqualTo(404);
        assertThat(cp.call("POST", "/api/docs/", null, "{}").statusCode()).isEqualTo(405);
        // The document itself still needs a key.
        assertThat(cp.call("GET", "/api/v1/openapi.yaml", null, null).statusCode()).isEqualTo(401);
    }
}
