package io.flowplane.sdk.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** An SSL context that trusts exactly the CA certificates of a PEM bundle (a private CA instead of the JVM's). */
public final class TrustedCa {
    private TrustedCa() {
    }

    public static SSLContext sslContext(Path pemBundle) {
        try (InputStream in = Files.newInputStream(pemBundle)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + (i++), c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in CA file " + pemBundle);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read CA file " + pemBundle + ": " + e.getMessage(), e);
        }
    }
}
