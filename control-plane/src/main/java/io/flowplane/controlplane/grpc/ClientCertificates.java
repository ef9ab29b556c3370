package io.flowplane.controlplane.grpc;

import io.flowplane.controlplane.auth.Principal;
import io.flowplane.controlplane.model.Role;
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
 * comes from the configured CA and is within its validity): revoked serial numbers are refused;
 * with binding {@code pools} the certificate must name every pool of the API key sent with it;
 * with binding {@code certificate} the certificate alone is the credential, an agent for the
 * pools it names.
 */
final class ClientCertificates {
    static final String POOL_URI = "flowplane:pool:";

    /** How a client certificate relates to the API key (grpc.clientCertBinding). */
    enum Binding {
        /** Certificate and API key together; the key decides the pools. */
        KEY,
        /** Certificate and API key together; the certificate must name every pool of the key. */
        POOLS,
        /** The certificate alone: its URI names are the agent's pools; no API key is needed. */
        CERTIFICATE;

        static Binding parse(String value) {
            return switch (value == null ? "key" : value.trim().toLowerCase(Locale.ROOT)) {
                case "key" -> KEY;
                case "pools" -> POOLS;
                case "certificate" -> CERTIFICATE;
                default -> throw new IllegalStateException(
                        "grpc.clientCertBinding must be 'key', 'pools' or 'certificate', not '" + value + "'");
            };
        }
    }

    /** A certificate's verdict: the caller it identifies, or why it is refused. */
    record Verdict(Principal principal, Status refusal) {
        static Verdict refused(Status status) {
            return new Verdict(null, status);
        }
    }

    private final Set<BigInteger> revoked = new HashSet<>();
    private final Binding binding;

    ClientCertificates(Collection<String> revokedSerials, String binding) {
        for (String s : revokedSerials) {
            revoked.add(new BigInteger(s.trim().replace(":", ""), 16));
        }
        this.binding = Binding.parse(binding);
    }

    /** True when the certificate alone authenticates a call (no API key is asked for). */
    boolean alone() {
        return binding == Binding.CERTIFICATE;
    }

    /** Empty if the call authenticated by {@code principal}'s API key may go on; else why it is refused. */
    Optional<Status> check(SSLSession session, Principal principal) {
        X509Certificate cert = peer(session);
        Optional<Status> usable = usable(cert);
        if (usable.isPresent() || binding != Binding.POOLS) {
            return usable;
        }
        Set<String> pools = pools(cert);
        boolean covered = pools.contains("*") || (!principal.pools().isEmpty() && pools.containsAll(principal.pools()));
        if (!covered) {
            return Optional.of(Status.PERMISSION_DENIED.withDescription("the client certificate does not name the "
                    + "API key's work pools (URI names " + POOL_URI + "NAME)"));
        }
        return Optional.empty();
    }

    /**
     * Binding {@code certificate}: the agent the certificate names. Its URI names
     * {@code flowplane:pool:NAME} are its pools ({@code flowplane:pool:*} every pool); a certificate
     * naming no pool is refused rather than read as "every pool".
     */
    Verdict identify(SSLSession session) {
        X509Certificate cert = peer(session);
        Optional<Status> usable = usable(cert);
        if (usable.isPresent()) {
            return Verdict.refused(usable.get());
        }
        Set<String> pools = pools(cert);
        if (pools.isEmpty()) {
            return Verdict.refused(Status.PERMISSION_DENIED.withDescription("the client certificate names no work pool "
                    + "(URI names " + POOL_URI + "NAME, or " + POOL_URI + "* for every pool)"));
        }
        Set<String> scope = pools.contains("*") ? Set.of() : Set.copyOf(pools);
        String name = "certificate " + cert.getSubjectX500Principal().getName() + " (serial " + serial(cert) + ")";
        return new Verdict(new Principal(null, name, Role.AGENT, scope), null);
    }

    private Optional<Status> usable(X509Certificate cert) {
        if (cert == null) {
            return Optional.of(Status.UNAUTHENTICATED.withDescription("a client certificate is required"));
        }
        if (revoked.contains(cert.getSerialNumber())) {
            return Optional.of(Status.UNAUTHENTICATED.withDescription("client certificate " + serial(cert) + " is revoked"));
        }
        return Optional.empty();
    }

    private static String serial(X509Certificate cert) {
        return cert.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
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
