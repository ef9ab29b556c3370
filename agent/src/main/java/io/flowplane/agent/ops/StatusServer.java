package io.flowplane.agent.ops;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's optional local status port (off unless {@code statusPort} is set): {@code
 * /healthcheck} answers 200 or 503 with the checks as JSON, {@code /metrics} the agent's
 * Dropwizard metrics in Prometheus format through the maintained bridge. The JDK's own HTTP
 * server on one thread: no dependency the agent does not already carry but the exporter.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code host:port} (0: any free port) and starts serving. */
    public static StatusServer start(String host, int port, MetricRegistry metrics, Supplier<Health> health)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        DropwizardExports.builder().dropwizardRegistry(metrics).register(registry);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthcheck", exchange -> answer(exchange, health.get()));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flowplane-agent-status");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new StatusServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Health h) throws IOException {
        try (exchange) {
            byte[] body = h.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(h.healthy() ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** The agent's health checks at one moment. */
    public record Health(boolean connected, boolean spoolBelowBound, boolean leaseRenewals) {
        public boolean healthy() {
            return connected && spoolBelowBound && leaseRenewals;
        }

        String json() {
            return "{\"healthy\":" + healthy() + ",\"connected\":" + connected + ",\"spoolBelowBound\":"
                    + spoolBelowBound + ",\"leaseRenewals\":" + leaseRenewals + "}";
        }
    }
}
