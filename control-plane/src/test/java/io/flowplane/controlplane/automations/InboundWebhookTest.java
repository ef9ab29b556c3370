package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** External systems trigger flows: an inbound webhook's body becomes an event an automation acts on. */
class InboundWebhookTest {
    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static World world;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
        world = new World(cp);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        cp.close();
    }

    /** A call as an external system makes it: no API key, only the webhook's secret (or none). */
    static HttpResponse<String> deliver(String path, String secret, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(cp.rest(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            b.header("X-Flowplane-Webhook-Secret", secret);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRightSecretStartsARunWithTemplatedParametersAndAWrongOneStartsNothing() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String hookName = World.unique("s3-upload");
        JsonNode hook = world.call("POST", "/api/v1/webhooks", "{\"name\":\"" + hookName + "\"}", 201);
        String secret = hook.get("secret").asText();
        String path = hook.get("path").asText();
        assertThat(secret).startsWith("whs_").hasSizeGreaterThan(32);
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["webhook.received"],"resourceName":"%s"}},
                 "actions":[{"type":"run-deployment","deployment":"%s",
                             "parameters":{"file":"{{ event.payload.object.key }}","bucket":"{{ event.payload.bucket }}"}}]}
                """.formatted(World.unique("on-upload"), hookName, dep));

        String body = "{\"bucket\":\"raw\",\"object\":{\"key\":\"2026/06/01/sales.csv\",\"size\":1234}}";
        assertThat(deliver(path, null, body).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = deliver(path, "whs_" + "x".repeat(40), body);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(deliver("/api/v1/webhooks/" + UUID.randomUUID(), secret, body).statusCode()).isEqualTo(401);
        // An API key is not the webhook's secret.
        HttpResponse<String> withKey = cp.call("POST", path, TestControlPlane.ADMIN_KEY, body);
        assertThat(withKey.statusCode()).isEqualTo(401);
        cp.services().background().automations().evaluator().evaluate();
        cp.services().background().automations().actions().runDue();
        assertThat(world.runsOf(dep)).isEmpty();
        assertThat(world.events("type=webhook.received&resource=" + hookName).get("items")).isEmpty();

        assertThat(deliver(path, secret, "[1,2]").statusCode()).isEqualTo(422);
        HttpResponse<String> ok = deliver(path, secret, body);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> world.runsOf(dep).size() == 1);
        JsonNode run = world.runsOf(dep).get(0);
        assertThat(run.at("/parameters/file").asText()).isEqualTo("2026/06/01/sales.csv");
        assertThat(run.at("/parameters/bucket").asText()).isEqualTo("raw");
        assertThat(world.events("type=webhook.received&resource=" + hookName).at("/items/0/payload/bucket").asText())
                .isEqualTo("raw");

        JsonNode listed = world.call("GET", "/api/v1/webhooks", null, 200);
        assertThat(listed.toString()).contains(hookName).doesNotContain(secret);
        world.call("DELETE", "/api/v1/webhooks/" + hookName, null, 204);
        assertThat(deliver(path, secret, body).statusCode()).isEqualTo(401);
    }

    @Test
    void aTemplateMayReadPayloadFieldsButNotUnknownEventFields() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        HttpResponse<String> bad = cp.admin("POST", "/api/v1/automations", """
                {"name":"x","trigger":{"match":{"types":["webhook.received"]}},
                 "actions":[{"type":"run-deployment","deployment":"%s","parameters":{"a":"{{ event.payload. }}"}}]}
                """.formatted(dep));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(422);
        assertThat(World.JSON.readTree(bad.body()).at("/errors/0/field").asText()).isEqualTo("actions[0].parameters.a");
        assertThat(cp.admin("POST", "/api/v1/webhooks", "{\"name\":\"bad name!\"}").statusCode()).isEqualTo(422);
    }
}
