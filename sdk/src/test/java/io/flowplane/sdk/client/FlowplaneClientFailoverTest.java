package io.flowplane.sdk.client;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which calls move to the next endpoint: any call that could not connect (the server never saw
 * it), but after a failure that came once the request was sent only a GET, so a POST is never
 * applied twice. The second endpoint is a real HTTP server that records what reached it.
 */
class FlowplaneClientFailoverTest {
    private HttpServer healthy;
    private final List<String> served = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        healthy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        healthy.createContext("/", exchange -> {
            served.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            byte[] body = "{\"name\":\"p\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        healthy.start();
    }

    @AfterEach
    void stop() {
        healthy.stop(0);
    }

    @Test
    void aCallThatCannotConnectIsMadeOnTheNextEndpointPostsIncluded() throws IOException {
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort(); // closed below: nothing listens there any more
        }
        FlowplaneClient client = new FlowplaneClient("http://127.0.0.1:" + refused + "," + url(healthy), "fp_test");
        client.request("POST", "api/v1/work-pools", java.util.Map.of("name", "p"));
        client.request("GET", "api/v1/work-pools/p", null);
        assertThat(served).containsExactly("POST /api/v1/work-pools", "GET /api/v1/work-pools/p");
    }

    @Test
    void aPostThatMayHaveReachedAServerIsNotMadeAgainButAGetIs() throws Exception {
        try (ServerSocket dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> dropAfterReading(dropping), "dropping-server");
            t.setDaemon(true);
            t.start();
            FlowplaneClient client = new FlowplaneClient("http://127.0.0.1:" + dropping.getLocalPort() + ","
                    + url(healthy), "fp_test");
            assertThatThrownBy(() -> client.request("POST", "api/v1/flow-runs", java.util.Map.of("flowName", "f")))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("POST api/v1/flow-runs failed");
            assertThat(served).as("the POST went nowhere else").isEmpty();
            client.request("GET", "api/v1/work-pools/p", null);
            assertThat(served).containsExactly("GET /api/v1/work-pools/p");
        }
    }

    /** Accepts, reads the request's first bytes, and closes without an answer: a replica dying mid-call. */
    private static void dropAfterReading(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.read(new byte[8192]);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }
}
