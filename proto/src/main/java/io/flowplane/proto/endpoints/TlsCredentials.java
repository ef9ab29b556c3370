package io.flowplane.proto.endpoints;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.nio.file.Path;

/** gRPC client TLS as the agent and the SDK's direct mode both build it. */
public final class TlsCredentials {
    private TlsCredentials() {
    }

    /**
     * TLS trusting the PEM bundle {@code caFile} (null: the JVM's CAs) and, for mutual TLS,
     * presenting {@code certFile} with its private {@code keyFile} (both PEM; both null: none).
     *
     * @throws IOException if a file cannot be read (gRPC reports one that is not PEM with an
     *                     IllegalArgumentException)
     */
    public static ChannelCredentials of(Path caFile, Path certFile, Path keyFile) throws IOException {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (caFile != null) {
            tls.trustManager(caFile.toFile());
        }
        if (certFile != null) {
            tls.keyManager(certFile.toFile(), keyFile.toFile());
        }
        return tls.build();
    }
}
