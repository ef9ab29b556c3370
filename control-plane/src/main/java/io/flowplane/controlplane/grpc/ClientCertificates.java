package io.flowplane.controlplane.grpc;

import io.flowplane.controlplane.auth.Principal;
import io.grpc.Status;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What mutual TLS adds on top of the handshake (which already checked that the client certificate
 * comes from the configured CA and is within its validity): revoked serial numbers are refused, and
 * with binding {@code pools} the certificate must name every pool of the API key sent with it.
 */
final class ClientCertificates {
    static final String POOL_URI = "flowplane:pool:";

    private final Set<BigInteger> revoked = new HashSet<>();
    private final boolean bindPools;

    ClientCertificates(Collection<String> revokedSerials, String binding) {
        for (String s : revokedSerials) {
            revoked.add(new BigInteger(s.trim().replace(":", ""), 16));
        }
        this.bindPools = switch (binding == null ? "key" : binding.trim().toLowerCase(Locale.ROOT)) {
            case "key" -> false;
            case "pools" -> true;
            default -> throw new IllegalStateException("grpc.clientCertBinding must be 'key' or 'pools', not '" + binding + "'");
        };
    }

    /** Empty if the call may go on; else why it is refused. */
    Optional<Status> check(SSLSession session, Principal principal) {
        X509Certificate cert = peer(session);
        if (cert == null) {
            return Optional.of(Status.UNAUTHENTICATED.withDescription("a client certificate is required"));
        }
        if (revoked.contains(cert.getSerialNumber())) {
            return Optional.of(Status.UNAUTHENTICATED.withDescription("client certificate "
                    + cert.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + " is revoked"));
        }
        if (bindPools) {
            Set<String> pools = pools(cert);
            boolean covered = pools.contains("*") || (!principal.pools().isEmpty() && pools.containsAll(principal.pools()));
            if (!covered) {
                return Optional.of(Status.PERMISSION_DENIED.withDescription("the client certificate does not name the "
                        + "API key's work pools (URI names " + POOL_URI + "NAME)"));
            }
        }
        return Optional.empty();
    }

    private static X509Certificate peer(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static Set<String> pools(X509Certificate cert) {
        Set<String> out = new HashSet<>();
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    // 6: uniformResourceIdentifier
                    if (Integer.valueOf(6).equals(n.get(0)) && n.get(1) instanceof String uri && uri.startsWith(POOL_URI)) {
                        out.add(uri.substring(POOL_URI.length()));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // No readable names: no pools.
        }
        return out;
    }
}
