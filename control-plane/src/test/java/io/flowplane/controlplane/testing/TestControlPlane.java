package io.flowplane.controlplane.testing;

import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.testing.DropwizardTestSupport;
import io.flowplane.controlplane.app.ControlPlaneApplication;
import io.flowplane.controlplane.app.ControlPlaneConfiguration;
import io.flowplane.controlplane.services.Services;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The real control plane, in-process: random REST, admin and gRPC ports, an H2 file in a
 * directory the test owns (or its own embedded PostgreSQL database, see {@link TestDatabase}), a known admin key, and the clock the test passes.
 */
public final class TestControlPlane implements AutoCloseable {
    public static final String ADMIN_KEY = "fp_test_admin_key_0123456789abcdefghijklmnop";

    /** Every answer {@link #call} receives is checked against openapi.yaml ({@code -Dflowplane.contract=off}: not). */
    static final boolean CHECK_CONTRACT = !"off".equals(System.getProperty("flowplane.contract"));

    private final DropwizardTestSupport<ControlPlaneConfiguration> support;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestControlPlane(DropwizardTestSupport<ControlPlaneConfiguration> support) {
        this.support = support;
    }

    public static TestControlPlane start(Path dataDir, Clock clock) throws Exception {
        return start(dataDir, clock, c -> { });
    }

    /** The same, after {@code customize} adjusted the configuration (short leases, a fixed gRPC port, …). */
    public static TestControlPlane start(Path dataDir, Clock clock,
                                         java.util.function.Consumer<ControlPlaneConfiguration> customize) throws Exception {
        ControlPlaneConfiguration config = configuration(dataDir);
        customize.accept(config);
        DropwizardTestSupport<ControlPlaneConfiguration> support =
                new DropwizardTestSupport<>(ControlPlaneApplication.class, config) {
                    @Override
                    public Application<ControlPlaneConfiguration> newApplication() {
                        return new ControlPlaneApplication(clock);
                    }
                };
        support.before();
        return new TestControlPlane(support);
    }

    /** Random ports, the {@link TestDatabase} of {@code dataDir}, the test admin key, quick reaper. */
    public static ControlPlaneConfiguration configuration(Path dataDir) throws Exception {
        ControlPlaneConfiguration config = new ControlPlaneConfiguration();
        TestDatabase.configure(config.getDatabase(), dataDir);
        config.getGrpc().port = 0;
        config.getGrpc().bindHost = "127.0.0.1";
        config.getAuth().bootstrapAdminKey = ADMIN_KEY;
        config.getAuth().bootstrapKeyFile = dataDir.resolve("bootstrap-admin.key").toString();
        ServerFactory server = config.getServerFactory();
        DefaultServerFactory factory = (DefaultServerFactory) server;
        HttpConnectorFactory rest = (HttpConnectorFactory) factory.getApplicationConnectors().get(0);
        rest.setPort(0);
        rest.setBindHost("127.0.0.1"); // tests serve loopback only
        // Longer than any pause in a test: the JDK client keeps idle connections for 20 minutes and
        // re-uses one the server has just closed as "header parser received no bytes" (POSTs are not retried).
        rest.setIdleTimeout(io.dropwizard.util.Duration.minutes(10));
        HttpConnectorFactory admin = (HttpConnectorFactory) factory.getAdminConnectors().get(0);
        admin.setPort(0);
        admin.setBindHost("127.0.0.1");
        return config;
    }

    public ControlPlaneApplication app() {
        return (ControlPlaneApplication) support.getApplication();
    }

    public Services services() {
        return app().services();
    }

    public URI rest(String path) {
        return URI.create("http://127.0.0.1:" + support.getLocalPort() + path);
    }

    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + support.getAdminPort() + path);
    }

    public int grpcPort() {
        return app().grpcPort();
    }

    /** A REST call with the given key (null: none) and JSON body (null: none). */
    public HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(rest(path)).timeout(Duration.ofSeconds(40));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (CHECK_CONTRACT && path.startsWith("/api/v1/")) {
            ApiContract.SERVED.assertMatches(method, path, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
        }
        return response;
    }

    public HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return call(method, path, ADMIN_KEY, body);
    }

    @Override
    public void close() {
        support.after();
    }
}
