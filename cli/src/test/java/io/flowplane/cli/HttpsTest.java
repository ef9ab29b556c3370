package io.flowplane.cli;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.flowplane.controlplane.testing.BareHttpsServer;
import io.flowplane.controlplane.testing.FirstBytes;
import io.flowplane.controlplane.testing.TestCertificates;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a control plane serving REST over https only, with a private CA made here; and
 * against bare servers with a certificate for another host, an expired one, or no TLS at all.
 */
class HttpsTest {
    @TempDir
    Path dir;

    @Test
    void talksHttpsTrustingTheGivenCaAndRefusesOtherwise() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        TestCertificates otherCa = TestCertificates.newCa(dir.resolve("pki"), "someone-else");
        var server = ca.server("server", List.of("localhost"), List.of("127.0.0.1"));
        try (TestControlPlane cp = TestControlPlane.start(dir.resolve("cp"), Clock.systemUTC(), c -> {
            HttpsConnectorFactory https = new HttpsConnectorFactory();
            https.setBindHost("127.0.0.1");
            https.setPort(0);
            https.setKeyStorePath(server.pkcs12().toString());
            https.setKeyStorePassword(TestCertificates.STORE_PASSWORD);
            https.setKeyStoreType("PKCS12");
            ((DefaultServerFactory) c.getServerFactory()).setApplicationConnectors(List.of(https));
        })) {
            String url = "https://127.0.0.1:" + cp.rest("/").getPort();
            String[] ok = capture(() -> Main.execute("work-pool", "create", "secure", "--url", url, "--api-key",
                    TestControlPlane.ADMIN_KEY, "--ca-file", ca.caFile().toString()));
            assertThat(ok[0]).as(ok[2]).isEqualTo("0");
            ok = capture(() -> Main.execute("work-pool", "ls", "--url", url, "--api-key", TestControlPlane.ADMIN_KEY,
                    "--ca-file", ca.caFile().toString(), "-o", "json"));
            assertThat(ok[0]).as(ok[2]).isEqualTo("0");
            assertThat(ok[1]).contains("\"secure\"");

            for (String caFile : new String[]{otherCa.caFile().toString(), null}) {
                List<String> args = new java.util.ArrayList<>(List.of("work-pool", "ls", "--url", url, "--api-key",
                        TestControlPlane.ADMIN_KEY));
                if (caFile != null) {
                    args.addAll(List.of("--ca-file", caFile));
                }
                String[] refused = capture(() -> Main.execute(args.toArray(new String[0])));
                assertThat(refused[0]).isNotEqualTo("0");
                assertThat(refused[1]).doesNotContain("secure");
                assertThat(refused[2]).startsWith("flowplane: ").doesNotContain(TestControlPlane.ADMIN_KEY);
            }
        }
    }

    @Test
    void refusesAWrongHostOrExpiredCertificateAndNeverSpeaksPlaintext() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir.resolve("pki"), "customer");
        var good = ca.server("good", List.of("localhost"), List.of("127.0.0.1"));
        var wrongHost = ca.server("wrong-host", List.of("other.example"), List.of());
        var expired = ca.expiredServer("expired");
        // The same CA and the same request: with the right certificate it gets through (so a zero below means refused).
        try (BareHttpsServer server = BareHttpsServer.start(good)) {
            String[] ok = capture(() -> Main.execute(ls(server.url(), ca.caFile())));
            assertThat(ok[0]).as(ok[2]).isEqualTo("0");
            assertThat(server.requests()).isEqualTo(1);
        }
        for (var cert : List.of(wrongHost, expired)) {
            try (BareHttpsServer server = BareHttpsServer.start(cert)) {
                String[] refused = capture(() -> Main.execute(ls(server.url(), ca.caFile())));
                assertThat(refused[0]).as(cert.cert().toString()).isNotEqualTo("0");
                assertThat(refused[2]).startsWith("flowplane: ").doesNotContain(TestControlPlane.ADMIN_KEY);
                assertThat(server.requests()).as("no request got past the handshake with " + cert.cert()).isZero();
            }
        }
        // A server that does not speak TLS: every connection still begins with a handshake, none in plaintext.
        try (FirstBytes plain = FirstBytes.start()) {
            String[] refused = capture(() -> Main.execute(ls("https://127.0.0.1:" + plain.port(), ca.caFile())));
            assertThat(refused[0]).isNotEqualTo("0");
            assertThat(plain.connections()).isNotEmpty();
            assertThat(plain.allBeganWithTls()).as("first bytes %s", plain.connections().stream()
                    .map(java.util.Arrays::toString).toList()).isTrue();
        }
    }

    private static String[] ls(String url, Path caFile) {
        return new String[]{"work-pool", "ls", "--url", url, "--api-key", TestControlPlane.ADMIN_KEY,
                "--ca-file", caFile.toString(), "-o", "json"};
    }

    /** {exit code, stdout, stderr}. */
    private static String[] capture(java.util.function.IntSupplier command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = command.getAsInt();
            return new String[]{Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
