package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Notifications to a real HTTP receiver on loopback (the JDK's HttpServer). */
class NotificationTest {
    static final String SECRET = "s3cr3t-for-signing-0123456789";

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static World world;

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** How many requests to answer 500 before answering 200. */
    final AtomicInteger failFirst = new AtomicInteger();

    record Received(String body, String signature, String eventId, String delivery) {
    }

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC(), c -> {
            c.getAutomations().retryDelay = io.dropwizard.util.Duration.milliseconds(100);
            c.getAutomations().webhookTimeout = io.dropwizard.util.Duration.seconds(5);
        });
        world = new World(cp);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        cp.close();
    }

    @BeforeEach
    void receiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(body, exchange.getRequestHeaders().getFirst("X-Flowplane-Signature"),
                    exchange.getRequestHeaders().getFirst("X-Flowplane-Event-Id"),
                    exchange.getRequestHeaders().getFirst("X-Flowplane-Delivery")));
            int status = failFirst.getAndDecrement() > 0 ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    String tellMeWhenItFails(String kind, String deployment) throws Exception {
        return tellMeWhenItFails(kind, deployment, url());
    }

    String tellMeWhenItFails(String kind, String deployment, String url) throws Exception {
        String target = World.unique("target");
        JsonNode created = world.call("POST", "/api/v1/notification-targets", """
                {"name":"%s","kind":"%s","url":"%s","secret":"%s",
                 "template":"Run {{ event.run.name }} of {{ event.deployment.name }} is {{ event.state.name }}"}
                """.formatted(target, kind, url, SECRET), 201);
        assertThat(created.toString()).doesNotContain(SECRET).doesNotContain("/hook");
        world.automation("""
                {"name":"%s","trigger":{"match":{"types":["flow-run.failed"],"deployment":"%s"}},
                 "actions":[{"type":"notify","target":"%s"}]}""".formatted(World.unique("tell-me"), deployment, target));
        return target;
    }

    @Test
    void aFailedRunSendsOneSignedNotificationWhoseSignatureVerifies() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String target = tellMeWhenItFails("webhook", dep);
        String agent = world.agent(pool);
        world.run(dep);
        String runId = world.runToEnd(agent, pool, StateType.FAILED);

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        Received r = received.get(0);
        assertThat(r.signature()).isEqualTo("sha256=" + hmac(SECRET, r.body()));
        assertThat(r.signature()).isNotEqualTo("sha256=" + hmac("another-secret-0123456789", r.body()));
        JsonNode body = World.JSON.readTree(r.body());
        assertThat(body.get("eventId").asText()).isEqualTo(r.eventId());
        assertThat(body.at("/event/run/id").asText()).isEqualTo(runId);
        assertThat(body.at("/event/type").asText()).isEqualTo("flow-run.failed");
        assertThat(body.get("message").asText()).startsWith("Run ").endsWith(" of " + dep + " is Failed");
        JsonNode failedEvent = world.events("type=flow-run.failed&resource=" + runId).get("items").get(0);
        assertThat(body.get("eventId").asLong()).isEqualTo(failedEvent.get("id").asLong());

        // The receiver has answered; the delivery is marked DONE right after its answer arrived.
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveryStatus(target).equals("DONE"));
        JsonNode log = world.call("GET", "/api/v1/notification-targets/" + target + "/deliveries", null, 200);
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("status").asText()).isEqualTo("DONE");
        assertThat(log.get(0).get("log")).hasSize(1);
        assertThat(log.get(0).at("/log/0/statusCode").asInt()).isEqualTo(200);
        // Later passes send nothing more.
        cp.services().background().automations().actions().runDue();
        cp.services().background().automations().notifier().deliverDue();
        assertThat(received).hasSize(1);
    }

    @Test
    void aReceiverThatAnswers500TwiceGetsThreeAttemptsAllInTheLog() throws Exception {
        failFirst.set(2);
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String target = tellMeWhenItFails("webhook", dep);
        String agent = world.agent(pool);
        world.run(dep);
        world.runToEnd(agent, pool, StateType.FAILED);

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 3 && deliveryStatus(target).equals("DONE"));
        assertThat(received).extracting(Received::body).containsOnly(received.get(0).body());
        assertThat(received).extracting(Received::delivery).containsOnly(received.get(0).delivery());
        JsonNode delivery = world.call("GET", "/api/v1/notification-targets/" + target + "/deliveries", null, 200).get(0);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("log").findValuesAsText("statusCode")).containsExactly("500", "500", "200");
        assertThat(delivery.at("/log/0/error").asText()).contains("500");
    }

    @Test
    void aReceiverThatCannotBeReachedIsSaidInWordsInTheDeliveryLog() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        String target = tellMeWhenItFails("webhook", dep, "http://127.0.0.1:" + closed + "/hook");
        String agent = world.agent(pool);
        world.run(dep);
        world.runToEnd(agent, pool, StateType.FAILED);

        await().atMost(Duration.ofSeconds(20)).until(() -> !world.call("GET", "/api/v1/notification-targets/" + target
                + "/deliveries", null, 200).path(0).path("log").isEmpty());
        String error = world.call("GET", "/api/v1/notification-targets/" + target + "/deliveries", null, 200)
                .at("/0/log/0/error").asText();
        assertThat(error).startsWith("could not connect to 127.0.0.1:" + closed).doesNotContain("Exception");
    }

    private String deliveryStatus(String target) throws Exception {
        JsonNode log = world.call("GET", "/api/v1/notification-targets/" + target + "/deliveries", null, 200);
        return log.isEmpty() ? "" : log.get(0).get("status").asText();
    }

    @Test
    void aSlackTargetReceivesASlackBody() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        tellMeWhenItFails("slack", dep);
        String agent = world.agent(pool);
        world.run(dep);
        world.runToEnd(agent, pool, StateType.FAILED);

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        JsonNode body = World.JSON.readTree(received.get(0).body());
        assertThat(body.get("text").asText()).endsWith(" of " + dep + " is Failed");
        assertThat(body.get("blocks").get(0).get("type").asText()).isEqualTo("section");
        assertThat(body.at("/blocks/0/text/type").asText()).isEqualTo("mrkdwn");
        assertThat(body.at("/blocks/0/text/text").asText()).isEqualTo(body.get("text").asText());
        assertThat(body.at("/blocks/1/type").asText()).isEqualTo("context");
        assertThat(body.at("/blocks/1/elements/0/text").asText()).contains("event " + received.get(0).eventId());
        assertThat(received.get(0).signature()).isNull();
    }

    @Test
    void theSecretIsNeverReturnedNorLogged() throws Exception {
        String pool = world.pool();
        String dep = world.deployment(pool, "[]");
        failFirst.set(1);
        String target = tellMeWhenItFails("webhook", dep);
        String agent = world.agent(pool);
        world.run(dep);
        world.runToEnd(agent, pool, StateType.FAILED);
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
        for (String path : List.of("/api/v1/notification-targets", "/api/v1/notification-targets/" + target,
                "/api/v1/notification-targets/" + target + "/deliveries", "/api/v1/automations")) {
            assertThat(world.call("GET", path, null, 200).toString()).as(path).doesNotContain(SECRET);
        }
        assertThat(cp.services().background().automations().notifications().get(target).toString()).doesNotContain(SECRET);
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() throws Exception {
        String name = World.unique("basic-auth");
        JsonNode created = world.call("POST", "/api/v1/notification-targets", """
                {"name":"%s","kind":"slack","url":"https://hooks:pa55w0rd-in-url@127.0.0.1:8443/services/T0/B0/x"}"""
                .formatted(name), 201);
        assertThat(created.path("urlHost").asText()).isEqualTo("https://127.0.0.1:8443");
        for (String path : List.of("/api/v1/notification-targets", "/api/v1/notification-targets/" + name)) {
            assertThat(world.call("GET", path, null, 200).toString()).as(path).doesNotContain("pa55w0rd-in-url", "hooks:");
        }
    }

    static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
