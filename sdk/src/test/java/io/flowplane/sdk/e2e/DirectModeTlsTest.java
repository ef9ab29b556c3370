package io.flowplane.sdk.e2e;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.flowplane.controlplane.testing.FirstBytes;
import io.flowplane.controlplane.testing.TestCertificates;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.Task;
import io.flowplane.sdk.Tls;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.internal.DirectRuns;
import io.flowplane.sdk.internal.GrpcReporting;
import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.flowplane.sdk.results.LocalResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK's direct mode against a control plane that serves REST over https and gRPC over TLS,
 * with a private CA made here: trusting that CA the run is created and reported; trusting another
 * CA, or speaking plain http to the https port, nothing goes through, and with REST trusted but
 * gRPC not, nothing of the run arrives over gRPC. Against bare gRPC servers: a certificate for
 * another host or an expired one never yields a TLS connection, and a server without TLS only
 * ever sees handshakes, never plaintext.
 */
class DirectModeTlsTest {
    @TempDir
    Path dir;

    @Test
    void reportsOverTlsAndRefusesAnUntrustedServer() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        TestCertificates otherCa = TestCertificates.newCa(dir.resolve("pki"), "someone-else");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        try (TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> {
            c.getGrpc().certChainFile = server.cert().toString();
            c.getGrpc().privateKeyFile = server.key().toString();
            httpsOnly(c, server.pkcs12());
        })) {
            String url = "https://127.0.0.1:" + cp.rest("/").getPort();
            String grpc = "127.0.0.1:" + cp.grpcPort();
            FlowplaneClient admin = new FlowplaneClient(url, TestControlPlane.ADMIN_KEY, ca.caFile());
            String key = admin.request("POST", "api/v1/api-keys", java.util.Map.of("name", "sdk", "role", "developer"))
                    .get("key").asText();

            Flow<Integer, Integer> flow = Flow.of("tls-direct", Integer.class, n -> Task.of("double", (Integer x) -> x * 2).call(n));
            FlowRunResult<Integer> result;
            try (FlowRunner runner = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("results")))
                    .reportTo(url, grpc, false, key, ca.caFile()).build()) {
                result = runner.run(flow, 21);
            }
            assertThat(result.isCompleted()).as(String.valueOf(result.error())).isTrue();
            FlowplaneClient client = new FlowplaneClient(url, key, ca.caFile());
            assertThat(client.run(result.id()).state().type()).isEqualTo("COMPLETED");
            assertThat(client.taskRuns(result.id())).hasSize(1);

            assertThatThrownBy(() -> new FlowplaneClient(url, key, otherCa.caFile()).request("GET", "api/v1/work-pools", null))
                    .hasStackTraceContaining("SSLHandshakeException");
            assertThatThrownBy(() -> new FlowplaneClient(url, key).request("GET", "api/v1/work-pools", null))
                    .as("the JVM's CAs do not know the private CA").hasStackTraceContaining("SSLHandshakeException");
            assertThatThrownBy(() -> new FlowplaneClient(url.replace("https:", "http:"), key)
                    .request("GET", "api/v1/work-pools", null)).as("plain http to the https port");

            // REST trusted, gRPC not: the run is created over REST, and then nothing of it arrives over gRPC.
            GrpcReporting untrusted = new GrpcReporting(grpc, false, Tls.trusting(otherCa.caFile()), key,
                    new DirectRuns(new FlowplaneClient(url, key, ca.caFile()), "tls-test"), Duration.ofSeconds(10),
                    Clock.systemUTC());
            FlowRunResult<Integer> refused;
            try (FlowRunner runner = runner(untrusted)) {
                refused = runner.run(flow, 1);
            }
            assertThat(client.run(refused.id())).as("created over REST").isNotNull();
            assertThat(client.run(refused.id()).state().type()).as("no state change arrived over gRPC").isNotEqualTo("COMPLETED");
            assertThat(client.taskRuns(refused.id())).as("no task run arrived over gRPC").isEmpty();
        }
    }

    @Test
    void withMutualTlsRequiredOnlyARunPresentingACertificateOfTheCustomersCaIsReported() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        TestCertificates otherCa = TestCertificates.newCa(dir.resolve("pki"), "someone-else");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        var sdkCert = ca.client("sdk", "etl-laptop", List.of());
        var foreign = otherCa.client("sdk-foreign", "etl-laptop", List.of());
        try (TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> {
            c.getGrpc().certChainFile = server.cert().toString();
            c.getGrpc().privateKeyFile = server.key().toString();
            c.getGrpc().clientCaFile = ca.caFile().toString();
        })) {
            String url = "http://127.0.0.1:" + cp.rest("/").getPort();
            String grpc = "127.0.0.1:" + cp.grpcPort();
            String key = TestControlPlane.ADMIN_KEY;
            FlowplaneClient client = new FlowplaneClient(url, key);
            Flow<Integer, Integer> flow = Flow.of("mtls-direct", Integer.class, n -> Task.of("triple", (Integer x) -> x * 3).call(n));
            Tls trusting = Tls.trusting(ca.caFile());

            for (Tls refused : List.of(trusting, trusting.withClientCertificate(foreign.cert(), foreign.key()))) {
                FlowRunResult<Integer> r;
                try (FlowRunner runner = runner(new GrpcReporting(grpc, false, refused, key,
                        new DirectRuns(client, "mtls-test"), Duration.ofSeconds(10), Clock.systemUTC()))) {
                    r = runner.run(flow, 1);
                }
                assertThat(client.run(r.id()).state().type()).as("%s: no state change arrived over gRPC", refused)
                        .isNotEqualTo("COMPLETED");
                assertThat(client.taskRuns(r.id())).as("%s: no task run arrived over gRPC", refused).isEmpty();
            }

            FlowRunResult<Integer> result;
            try (FlowRunner runner = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("results")))
                    .reportTo(url, grpc, false, key, trusting.withClientCertificate(sdkCert.cert(), sdkCert.key())).build()) {
                result = runner.run(flow, 14);
            }
            assertThat(result.isCompleted()).as(String.valueOf(result.error())).isTrue();
            assertThat(result.result()).isEqualTo(42);
            assertThat(client.run(result.id()).state().type()).isEqualTo("COMPLETED");
            assertThat(client.taskRuns(result.id())).hasSize(1);
        }
    }

    @Test
    void aClientCertificateWithoutItsKeyIsRefusedBeforeAnythingConnects() {
        Path cert = dir.resolve("client.crt");
        assertThatThrownBy(() -> new Tls(null, cert, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give both files or neither");
        assertThatThrownBy(() -> io.flowplane.sdk.Flowplane.run(
                Flow.of("x", Integer.class, n -> n), 1, new String[0],
                java.util.Map.of("FLOWPLANE_URL", "http://127.0.0.1:1", "FLOWPLANE_API_KEY", "k",
                        "FLOWPLANE_CLIENT_CERT_FILE", cert.toString()), System.out))
                .hasMessageContaining("FLOWPLANE_CLIENT_CERT_FILE and FLOWPLANE_CLIENT_KEY_FILE go together");
    }

    @Test
    void grpcRefusesAWrongHostOrExpiredCertificateAndNeverSpeaksPlaintext() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        var wrongHost = ca.server("wrong-host", List.of("other.example"), List.of());
        var expired = ca.expiredServer("expired");
        Flow<Integer, Integer> flow = Flow.of("tls-refused", Integer.class, n -> Task.of("inc", (Integer x) -> x + 1).call(n));
        try (TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> httpsOnly(c, server.pkcs12()))) {
            String url = "https://127.0.0.1:" + cp.rest("/").getPort();
            // The same client against a bare gRPC server with each certificate: the right one completes a
            // TLS connection (so zero below means refused), the others never do.
            for (var cert : List.of(server, wrongHost, expired)) {
                AtomicInteger ready = new AtomicInteger();
                Server bare = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                                TlsServerCredentials.create(cert.cert().toFile(), cert.key().toFile()))
                        .addTransportFilter(new ServerTransportFilter() {
                            @Override
                            public Attributes transportReady(Attributes attributes) {
                                ready.incrementAndGet();
                                return attributes;
                            }
                        }).build().start();
                try (FlowRunner runner = runner(reporting(url, "127.0.0.1:" + bare.getPort(), ca))) {
                    runner.run(flow, 1);
                } finally {
                    bare.shutdownNow();
                }
                if (cert == server) {
                    assertThat(ready.get()).as("the right certificate: a TLS connection").isPositive();
                } else {
                    assertThat(ready.get()).as("no TLS connection with %s", cert.cert()).isZero();
                }
            }
            // Nothing speaking TLS there: each connection begins with a handshake, none falls back to plaintext.
            try (FirstBytes plain = FirstBytes.start()) {
                try (FlowRunner runner = runner(reporting(url, "127.0.0.1:" + plain.port(), ca))) {
                    runner.run(flow, 1);
                }
                assertThat(plain.connections()).isNotEmpty();
                assertThat(plain.allBeganWithTls()).as("first bytes %s",
                        plain.connections().stream().map(java.util.Arrays::toString).toList()).isTrue();
            }
        }
    }

    /** Direct reporting with REST to the real control plane (trusted) and gRPC to {@code grpc} over TLS. */
    private static GrpcReporting reporting(String url, String grpc, TestCertificates ca) {
        String key = TestControlPlane.ADMIN_KEY;
        return new GrpcReporting(grpc, false, Tls.trusting(ca.caFile()), key,
                new DirectRuns(new FlowplaneClient(url, key, ca.caFile()), "tls-test"), Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** A runner that gives up flushing after 3 s: these servers never acknowledge anything. */
    private FlowRunner runner(GrpcReporting reporting) {
        return FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("results"))).reporting(reporting)
                .flushTimeout(Duration.ofSeconds(3)).build();
    }

    /** REST on https only, with the server certificate's PKCS#12 store. */
    static void httpsOnly(io.flowplane.controlplane.app.ControlPlaneConfiguration c, Path pkcs12) {
        HttpsConnectorFactory https = new HttpsConnectorFactory();
        https.setBindHost("127.0.0.1");
        https.setPort(0);
        https.setKeyStorePath(pkcs12.toString());
        https.setKeyStorePassword(TestCertificates.STORE_PASSWORD);
        https.setKeyStoreType("PKCS12");
        https.setValidateCerts(false);
        ((DefaultServerFactory) c.getServerFactory()).setApplicationConnectors(List.of(https));
    }
}
