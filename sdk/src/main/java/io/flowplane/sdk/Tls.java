package io.flowplane.sdk;

import java.nio.file.Path;

/**
 * TLS material for reporting directly to a control plane: a private CA to trust (null: the JVM's
 * CAs) and, where the control plane's gRPC endpoint requires mutual TLS ({@code grpc.clientCaFile}),
 * a client certificate and its private key, both PEM, issued by the CA the control plane names.
 * The REST API is authenticated by the API key alone; the client certificate is presented on gRPC.
 */
public record Tls(Path caFile, Path clientCertFile, Path clientKeyFile) {
    /** The JVM's CAs, no client certificate. */
    public static final Tls DEFAULT = new Tls(null, null, null);

    public Tls {
        if ((clientCertFile == null) != (clientKeyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its private key and a key its certificate: "
                    + "give both files or neither");
        }
    }

    /** Trusts the CA(s) of the PEM bundle {@code caFile} (null: the JVM's), no client certificate. */
    public static Tls trusting(Path caFile) {
        return new Tls(caFile, null, null);
    }

    /** The same trust, presenting {@code certFile} (PEM, its chain may follow) with its PEM {@code keyFile}. */
    public Tls withClientCertificate(Path certFile, Path keyFile) {
        return new Tls(caFile, certFile, keyFile);
    }

    public boolean hasClientCertificate() {
        return clientCertFile != null;
    }
}
