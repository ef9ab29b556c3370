package io.flowplane.agent;

import io.flowplane.agent.connection.ControlPlaneConnection;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.TcpProxy;
import io.flowplane.controlplane.testing.TestCertificates;
import io.flowplane.proto.v1.RegisterRequest;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The agent's channel over TLS with certificates made here: it works with the right certificate,
 * refuses a server whose certificate names another host, has expired or is not TLS at all (never
 * retrying in plaintext), and with mutual TLS the control plane refuses agents without a
 * certificate from its CA, with a revoked one, or with one that does not name the key's pools.
 */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void oneWayTlsWorksAndABadServerCertificateIsRefused() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        try (Cluster cluster = Cluster.start(dir, c -> {
            c.getGrpc().certChainFile = server.cert().toString();
            c.getGrpc().privateKeyFile = server.key().toString();
        }); TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("tls");
            cluster.shellDeployment("hello", "tls", "echo over-tls");
            var config = cluster.agentConfig("tls", proxy.port());
            config.tls = true;
            config.caFile = ca.caFile().toString();
            cluster.startAgent(config, Agent.Options.defaults());
            String run = cluster.run("hello");
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).containsExactly("over-tls");
            byte[] wire = proxy.sentByClients();
            assertThat(wire[0]).as("a TLS handshake record first").isEqualTo((byte) 0x16);
            String text = new String(wire, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("PRI * HTTP/2.0").doesNotContain(Cluster.KEY).doesNotContain("over-tls");

            // The same control plane, but the agent does not trust its CA (the JVM's CAs only).
            assertRefused(settings("127.0.0.1:" + cluster.grpcPort(), null, null, null), Status.Code.UNAVAILABLE);
        }
        var wrongHost = ca.server("wrong-host", List.of("other.example"), List.of());
        var expired = ca.expiredServer("expired");
        for (var cert : List.of(wrongHost, expired)) {
            Server bare = tlsServer(TlsServerCredentials.create(cert.cert().toFile(), cert.key().toFile()));
            try {
                assertRefused(settings("grpcs://127.0.0.1:" + bare.getPort(), ca.caFile(), null, null), Status.Code.UNAVAILABLE);
            } finally {
                bare.shutdownNow();
            }
        }
        // A plaintext server: the TLS client fails; it does not talk to it in plaintext.
        Server plain = tlsServer(InsecureServerCredentials.create());
        try (TcpProxy proxy = new TcpProxy(plain.getPort())) {
            assertRefused(settings("grpcs://127.0.0.1:" + proxy.port(), ca.caFile(), null, null), Status.Code.UNAVAILABLE);
            byte[] wire = proxy.sentByClients();
            assertThat(wire.length).isPositive();
            assertThat(wire[0]).isEqualTo((byte) 0x16);
            assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain("PRI * HTTP/2.0").doesNotContain(Cluster.KEY);
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    void mutualTlsRefusesAgentsWithoutAGoodClientCertificate() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        TestCertificates otherCa = TestCertificates.newCa(dir.resolve("pki"), "someone-else");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        var good = ca.client("agent-good", "agent-1", List.of("flowplane:pool:*"));
        var revoked = ca.client("agent-revoked", "agent-2", List.of("flowplane:pool:*"));
        var narrow = ca.client("agent-narrow", "agent-3", List.of("flowplane:pool:mtls"));
        var foreign = otherCa.client("agent-foreign", "agent-4", List.of("flowplane:pool:*"));
        try (Cluster cluster = Cluster.start(dir, c -> {
            c.getGrpc().certChainFile = server.cert().toString();
            c.getGrpc().privateKeyFile = server.key().toString();
            c.getGrpc().clientCaFile = ca.caFile().toString();
            c.getGrpc().revokedClientSerials = List.of(revoked.serial());
            c.getGrpc().clientCertBinding = "pools";
        })) {
            String url = "grpcs://127.0.0.1:" + cluster.grpcPort();
            assertRefused(settings(url, ca.caFile(), null, null), Status.Code.UNAVAILABLE);
            assertRefused(settings(url, ca.caFile(), foreign.cert(), foreign.key()), Status.Code.UNAVAILABLE);
            assertRefused(settings(url, ca.caFile(), revoked.cert(), revoked.key()), Status.Code.UNAUTHENTICATED);
            // The admin key serves every pool; this certificate names one.
            assertRefused(settings(url, ca.caFile(), narrow.cert(), narrow.key()), Status.Code.PERMISSION_DENIED);

            cluster.pool("mtls");
            cluster.shellDeployment("hello", "mtls", "echo mutual");
            var config = cluster.agentConfig("mtls", cluster.grpcPort());
            config.tls = true;
            config.caFile = ca.caFile().toString();
            config.clientCertFile = good.cert().toString();
            config.clientKeyFile = good.key().toString();
            cluster.startAgent(config, Agent.Options.defaults());
            String run = cluster.run("hello");
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).containsExactly("mutual");
        }
    }

    @Test
    void aCertificateAloneAuthenticatesAnAgentForThePoolsItNames() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        TestCertificates otherCa = TestCertificates.newCa(dir.resolve("pki"), "someone-else");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        var good = ca.client("agent-good", "agent-1", List.of("flowplane:pool:alone"));
        var revoked = ca.client("agent-revoked", "agent-2", List.of("flowplane:pool:alone"));
        var noPools = ca.client("agent-nopools", "agent-3", List.of());
        var foreign = otherCa.client("agent-foreign", "agent-4", List.of("flowplane:pool:alone"));
        try (Cluster cluster = Cluster.start(dir, c -> {
            c.getGrpc().certChainFile = server.cert().toString();
            c.getGrpc().privateKeyFile = server.key().toString();
            c.getGrpc().clientCaFile = ca.caFile().toString();
            c.getGrpc().revokedClientSerials = List.of(revoked.serial());
            c.getGrpc().clientCertBinding = "certificate";
        })) {
            String url = "grpcs://127.0.0.1:" + cluster.grpcPort();
            // The admin key alone does not get past the handshake; nor does another CA's certificate.
            assertRefused(settings(url, Cluster.KEY, ca.caFile(), null, null), "alone", Status.Code.UNAVAILABLE);
            assertRefused(settings(url, null, ca.caFile(), foreign.cert(), foreign.key()), "alone", Status.Code.UNAVAILABLE);
            assertRefused(settings(url, null, ca.caFile(), revoked.cert(), revoked.key()), "alone", Status.Code.UNAUTHENTICATED);
            // Naming no pool is not read as "every pool".
            assertRefused(settings(url, null, ca.caFile(), noPools.cert(), noPools.key()), "alone", Status.Code.PERMISSION_DENIED);
            // The certificate decides the pools: an admin key sent along does not widen them.
            assertRefused(settings(url, Cluster.KEY, ca.caFile(), good.cert(), good.key()), "elsewhere",
                    Status.Code.PERMISSION_DENIED);

            cluster.pool("alone");
            cluster.shellDeployment("hello", "alone", "echo certificate-only");
            var config = cluster.agentConfig("alone", cluster.grpcPort());
            config.apiKey = null;
            config.tls = true;
            config.caFile = ca.caFile().toString();
            config.clientCertFile = good.cert().toString();
            config.clientKeyFile = good.key().toString();
            config.validate();
            cluster.startAgent(config, Agent.Options.defaults());
            String run = cluster.run("hello");
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).containsExactly("certificate-only");
        }
    }

    @Test
    void aCertificateBindingWithoutAClientCaIsRefusedAtStart() {
        for (String binding : List.of("certificate", "pools")) {
            assertThatThrownBy(() -> Cluster.start(dir.resolve(binding), c -> c.getGrpc().clientCertBinding = binding).close())
                    .hasStackTraceContaining("need mutual TLS: set grpc.clientCaFile");
        }
        assertThatThrownBy(() -> Cluster.start(dir.resolve("typo"), c -> c.getGrpc().clientCertBinding = "certficate").close())
                .hasStackTraceContaining("must be 'key', 'pools' or 'certificate'");
    }

    private static ControlPlaneConnection.Settings settings(String url, Path ca, Path cert, Path key) {
        return settings(url, Cluster.KEY, ca, cert, key);
    }

    private static ControlPlaneConnection.Settings settings(String url, String apiKey, Path ca, Path cert, Path key) {
        return new ControlPlaneConnection.Settings(url, apiKey, true, ca == null ? null : ca.toString(),
                cert == null ? null : cert.toString(), key == null ? null : key.toString(),
                Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    private static void assertRefused(ControlPlaneConnection.Settings settings, Status.Code code) throws Exception {
        assertRefused(settings, "mtls", code);
    }

    private static void assertRefused(ControlPlaneConnection.Settings settings, String pool, Status.Code code) throws Exception {
        try (ControlPlaneConnection connection = ControlPlaneConnection.open(settings)) {
            assertThatThrownBy(() -> connection.agent(Duration.ofSeconds(5)).register(RegisterRequest.newBuilder()
                    .setName("probe").addPools(pool).setSlots(1).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(code));
        }
    }

    private static Server tlsServer(ServerCredentials credentials) throws Exception {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials).build().start();
    }
}
