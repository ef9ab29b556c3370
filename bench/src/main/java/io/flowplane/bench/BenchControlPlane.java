package io.flowplane.bench;

import ch.qos.logback.classic.Level;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
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
import java.util.List;

/**
 * The real control plane, in this JVM: the shipped configuration (every default, the shipped H2
 * URL with its durability settings — only the file's directory moves to {@code dir}), random
 * ports on 127.0.0.1, a known admin key, quiet logs.
 */
public final class BenchControlPlane implements AutoCloseable {
    public static final String ADMIN_KEY = "fp_bench_admin_key_0123456789abcdefghijklmnopq";
    private static final String SHIPPED_PATH = "./flowplane-data/flowplane";

    private final DropwizardTestSupport<ControlPlaneConfiguration> support;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BenchControlPlane(DropwizardTestSupport<ControlPlaneConfiguration> support) {
        this.support = support;
    }

    /** The shipped database URL with the file moved under {@code dir}: same options, same durability. */
    public static String databaseUrl(Path dir) {
        String shipped = ControlPlaneConfiguration.DEFAULT_DATABASE_URL;
        if (!shipped.contains(SHIPPED_PATH)) {
            throw new IllegalStateException("the shipped database URL changed: " + shipped);
        }
        return shipped.replace(SHIPPED_PATH, dir.resolve("flowplane").toAbsolutePath().toString());
    }

    public static BenchControlPlane start(Path dir) throws Exception {
        return start(databaseUrl(dir), null);
    }

    /** A replica on a PostgreSQL database (user postgres), every other setting as shipped. */
    public static BenchControlPlane onPostgres(String jdbcUrl) throws Exception {
        return start(jdbcUrl, "postgres");
    }

    private static BenchControlPlane start(String url, String user) throws Exception {
        ControlPlaneConfiguration config = new ControlPlaneConfiguration();
        config.getDatabase().setUrl(url);
        if (user != null) {
            config.getDatabase().setDriverClass("org.postgresql.Driver");
            config.getDatabase().setUser(user);
        }
        config.getGrpc().port = 0;
        config.getGrpc().bindHost = "127.0.0.1";
        config.getAuth().bootstrapAdminKey = ADMIN_KEY;
        DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
        ((HttpConnectorFactory) server.getApplicationConnectors().get(0)).setPort(0);
        ((HttpConnectorFactory) server.getApplicationConnectors().get(0)).setBindHost("127.0.0.1");
        ((HttpConnectorFactory) server.getAdminConnectors().get(0)).setPort(0);
        ((HttpConnectorFactory) server.getAdminConnectors().get(0)).setBindHost("127.0.0.1");
        if (server.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory requests) {
            requests.setAppenders(List.of());
        }
        if (config.getLoggingFactory() instanceof DefaultLoggingFactory logging) {
            logging.setLevel(Level.WARN.toString());
        }
        DropwizardTestSupport<ControlPlaneConfiguration> support =
                new DropwizardTestSupport<>(ControlPlaneApplication.class, config) {
                    @Override
                    public Application<ControlPlaneConfiguration> newApplication() {
                        return new ControlPlaneApplication(Clock.systemUTC());
                    }
                };
        support.before();
        return new BenchControlPlane(support);
    }

    public Services services() {
        return ((ControlPlaneApplication) support.getApplication()).services();
    }

    public int grpcPort() {
        return ((ControlPlaneApplication) support.getApplication()).grpcPort();
    }

    public String grpcTarget() {
        return "127.0.0.1:" + grpcPort();
    }

    public String restUrl() {
        return "http://127.0.0.1:" + support.getLocalPort();
    }

    /** A REST call with the admin key; fails on a status of 400 or more. */
    public String call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ADMIN_KEY);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    public <T> T sql(org.jdbi.v3.core.HandleCallback<T, RuntimeException> callback) {
        return services().core().store().jdbi().withHandle(callback);
    }

    /**
     * Runs stored COMPLETED by this control plane so far: the ingestor marks this meter after its
     * transaction commits, so it is the stored count without scanning flow_runs (a COUNT over the
     * table every few milliseconds took a fifth of a core from the system it measures).
     */
    public long completedRuns() {
        return metrics().meter("flowplane.runs.completed").getCount();
    }

    public com.codahale.metrics.MetricRegistry metrics() {
        return support.getEnvironment().metrics();
    }

    /**
     * H2's store counters (chunks and bytes written to the file), or zeros on another
     * database: what one commit costs on H2 is the pages it rewrites, so these say why a change
     * moved the CPU per run when the profile is flat.
     */
    public StoreWrites storeWrites() {
        if (!databaseUrl().startsWith("jdbc:h2:")) {
            return new StoreWrites(0, 0);
        }
        java.util.Map<String, String> info = sql(h -> h.createQuery("SELECT SETTING_NAME, SETTING_VALUE FROM "
                        + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('info.FILE_WRITE', 'info.FILE_WRITE_BYTES')")
                .setMapKeyColumn("SETTING_NAME").setMapValueColumn("SETTING_VALUE")
                .collectInto(new org.jdbi.v3.core.generic.GenericType<java.util.Map<String, String>>() { }));
        return new StoreWrites(Long.parseLong(info.getOrDefault("info.FILE_WRITE", "0")),
                Long.parseLong(info.getOrDefault("info.FILE_WRITE_BYTES", "0")));
    }

    /** Counters since the store opened; {@link #minus} gives those of an interval. */
    public record StoreWrites(long chunks, long bytes) {
        StoreWrites minus(StoreWrites before) {
            return new StoreWrites(chunks - before.chunks, bytes - before.bytes);
        }
    }

    private String databaseUrl() {
        return support.getConfiguration().getDatabase().getUrl();
    }

    public long count(String sql) {
        return sql(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Override
    public void close() {
        support.after();
    }
}
