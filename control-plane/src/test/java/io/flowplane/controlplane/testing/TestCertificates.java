package io.flowplane.controlplane.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made at test time: a CA, and server or client certificates it signs, written as PEM
 * (certificate; PKCS#8 key) and, for Jetty, as a PKCS#12 key store.
 */
public final class TestCertificates {
    public static final String STORE_PASSWORD = "changeit";
    private static final AtomicLong SERIALS = new AtomicLong(1000);

    /** A certificate and its key as files. {@code serial} in hex, as openssl prints it. */
    public record Issued(Path cert, Path key, Path pkcs12, String serial, X509Certificate certificate) {
    }

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path caFile;

    private TestCertificates(Path dir, String name, KeyPair caKeys, X509Certificate ca, Path caFile) {
        this.dir = dir;
        this.name = name;
        this.caKeys = caKeys;
        this.ca = ca;
        this.caFile = caFile;
    }

    /** A new CA whose files go into {@code dir}. */
    public static TestCertificates newCa(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate ca = sign(b, keys);
        Path caFile = dir.resolve(name + "-ca.pem");
        Files.writeString(caFile, pem(ca));
        return new TestCertificates(dir, name, keys, ca, caFile);
    }

    public Path caFile() {
        return caFile;
    }

    /** A server certificate for the given DNS names and IP addresses (valid now). */
    public Issued server(String file, List<String> dnsNames, List<String> ips) throws Exception {
        return issue(file, "CN=" + (dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0)), dnsNames, ips, List.of(),
                KeyPurposeId.id_kp_serverAuth, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
    }

    /** A server certificate for 127.0.0.1 and localhost that expired yesterday. */
    public Issued expiredServer(String file) throws Exception {
        return issue(file, "CN=localhost", List.of("localhost"), List.of("127.0.0.1"), List.of(), KeyPurposeId.id_kp_serverAuth,
                Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    }

    /** A client certificate with common name {@code cn} and URI names (e.g. flowplane:pool:NAME). */
    public Issued client(String file, String cn, List<String> uris) throws Exception {
        return issue(file, "CN=" + cn, List.of(), List.of(), uris, KeyPurposeId.id_kp_clientAuth,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
    }

    private Issued issue(String file, String subject, List<String> dns, List<String> ips, List<String> uris, KeyPurposeId purpose,
                         Instant from, Instant to) throws Exception {
        KeyPair keys = keyPair();
        BigInteger serial = serial();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
                serial, Date.from(from), Date.from(to), new X500Name(subject), keys.getPublic());
        List<GeneralName> names = new ArrayList<>();
        dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
        uris.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
        if (!names.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        X509Certificate cert = sign(b, caKeys);
        Path certFile = dir.resolve(file + ".pem");
        Path keyFile = dir.resolve(file + "-key.pem");
        Path p12 = dir.resolve(file + ".p12");
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), STORE_PASSWORD.toCharArray(), new Certificate[]{cert, ca});
        try (var out = Files.newOutputStream(p12)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return new Issued(certFile, keyFile, p12, serial.toString(16).toUpperCase(java.util.Locale.ROOT), cert);
    }

    /** A PKCS#12 trust store holding this CA (for clients that take a trust store, e.g. Jetty or the JDK). */
    public Path trustStore() throws Exception {
        Path file = dir.resolve(name + "-trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        try (var out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet()).add(BigInteger.valueOf(System.nanoTime() & 0xffffffL).shiftLeft(20));
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }
}
