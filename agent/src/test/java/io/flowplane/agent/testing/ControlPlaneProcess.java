package io.flowplane.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.testing.TestDatabase;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control plane in its own JVM on fixed ports and the test database (an H2 file, or PostgreSQL
 * under -Dflowplane.test.database=postgres), so a test can kill -9 it and start it again on the same
 * data and the same gRPC port.
 */
public final class ControlPlaneProcess implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private final int restPort;
    private final int adminPort;
    private final int grpcPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private int starts;

    /** Heartbeats every 500 ms; every other setting at its default. */
    public ControlPlaneProcess(Path dir) throws IOException {
        this(dir, "runs: {heartbeatInterval: 500 milliseconds}");
    }

    /** {@code runs}: a YAML line for the runs section ("" keeps every default: lease 30 s, heartbeats 10 s, reaper 1 s). */
    public ControlPlaneProcess(Path dir, String runs) throws IOException {
        this(dir, runs, null);
    }

    /** A replica on a PostgreSQL database (JDBC URL, user postgres) instead of its own H2 file. */
    public static ControlPlaneProcess onPostgres(Path dir, String runs, String jdbcUrl) throws IOException {
        return new ControlPlaneProcess(dir, runs, jdbcUrl);
    }

    private ControlPlaneProcess(Path dir, String runs, String postgresUrl) throws IOException {
        this.dir = dir;
        int[] ports = freePorts();
        restPort = ports[0];
        adminPort = ports[1];
        grpcPort = ports[2];
        config = dir.resolve("control-plane.yml");
        Files.writeString(config, """
                server:
                  applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
                  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
                %s
                grpc: {bindHost: 127.0.0.1, port: %d}
                auth: {bootstrapAdminKey: %s}
                %s
                """.formatted(restPort, adminPort, database(dir, postgresUrl), grpcPort, Cluster.KEY, runs));
    }

    /**
     * The database section: the given PostgreSQL, or else the test database setting (TestDatabase: an
     * H2 file under {@code dir}, or with -Dflowplane.test.database=postgres a PostgreSQL database kept for
     * {@code dir}, so a restart on the same directory finds its data).
     */
    private static String database(Path dir, String postgresUrl) {
        String driver = postgresUrl == null ? TestDatabase.driverClass() : "org.postgresql.Driver";
        String url = postgresUrl == null ? TestDatabase.url(dir.resolve("db")) : postgresUrl;
        String user = postgresUrl == null ? TestDatabase.user() : "postgres";
        return """
                database:
                  driverClass: %s
                  url: "%s"
                  user: %s
                  password: ""
                """.formatted(driver, url, user);
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** The REST answer's status and body, whatever the status (for callers that expect refusals). */
    public HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + Cluster.KEY);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public void start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.flowplane.controlplane.app.ControlPlaneApplication", "server", config.toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("control-plane-" + (++starts) + ".log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> !process.isAlive() || healthy());
        assertThat(process.isAlive()).as("control plane started; see " + dir).isTrue();
    }

    public void killNine() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isBetween(200, 299);
        return Cluster.JSON.readTree(r.body());
    }

    private boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthcheck"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
            return new int[]{a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
