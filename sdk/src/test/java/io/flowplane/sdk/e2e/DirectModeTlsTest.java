package io.flowplane.sdk.e2e;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.flowplane.controlplane.testing.TestCertificates;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.Task;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.results.LocalResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK's direct mode against a control plane that serves REST over https and gRPC over TLS,
 * with a private CA made here: trusting that CA the run is created and reported; trusting another
 * CA, or speaking plain http to the https port, nothing goes through.
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
            assertThatThrownBy(() -> {
                try (FlowRunner runner = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("results")))
                        .reportTo(url, grpc, false, key, otherCa.caFile()).build()) {
                    runner.run(flow, 1);
                }
            }).as("no run is created through a server the SDK does not trust").isNotNull();
        }
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
