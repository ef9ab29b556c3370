package io.flowplane.controlplane.ui;

import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The UI's files on the REST port: the page, its modules, the security headers, nothing outside /ui/. */
class WebUiServingTest {
    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(cp.rest(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndItsModulesNeedNoKeyAndCarryAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>").doesNotContain("<style");
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src", "default-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        HttpResponse<String> js = get("/ui/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(get("/ui/app.css").headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));

        String etag = js.headers().firstValue("etag").orElseThrow();
        assertThat(get("/ui/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void everyModuleTheUiImportsIsServed() throws Exception {
        java.util.regex.Pattern imports = java.util.regex.Pattern.compile("from '(\\./[^']+|\\.\\./[^']+)'");
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(java.util.List.of("/ui/app.js"));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path + " builds no HTML from strings").doesNotContain("innerHTML", "outerHTML",
                    "insertAdjacentHTML", "document.write", "eval(");
            var m = imports.matcher(r.body());
            while (m.find()) {
                todo.push(java.net.URI.create("http://x" + path).resolve(m.group(1)).getPath());
            }
        }
        assertThat(seen).contains("/ui/pages/run.js", "/ui/lib/markdown.js", "/ui/lib/schema-form.js");
    }

    @Test
    void onlyNamedFilesUnderUiAreServed() throws Exception {
        assertThat(get("/ui/nope.js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/..%2fopenapi.yaml").statusCode()).isIn(400, 404);
        assertThat(get("/ui/lib/../../openapi.yaml").statusCode()).isIn(400, 404);
        assertThat(get("/ui/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(cp.rest("/")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void theApiStillNeedsAKeyAndItsAnswersCannotBeFramedOrRendered() throws Exception {
        HttpResponse<String> r = get("/api/v1/flow-runs");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("content-security-policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
    }
}
