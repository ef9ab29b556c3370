package io.flowplane.proto.endpoints;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One or several control-plane endpoints given as one comma-separated value
 * ({@code cp-a:9090,cp-b:9090} or {@code https://cp-a:8080,https://cp-b:8080}), in the order they
 * are tried. The agent and the SDK parse every such setting here, so both accept the same forms
 * and reject a bad list with the same message, naming the setting it came from.
 */
public record Endpoints(List<Endpoint> all) {

    /** One endpoint: where it is and whether it speaks TLS. */
    public record Endpoint(String host, int port, boolean tls) {
        /** {@code host:port}, as a gRPC target or a socket address takes it. */
        public String hostPort() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        /** {@code http(s)://host:port}. */
        public String httpUrl() {
            return (tls ? "https://" : "http://") + hostPort();
        }
    }

    public Endpoints {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no endpoint");
        }
        all = List.copyOf(all);
    }

    /**
     * Parses {@code value}. An entry without a scheme is plaintext unless {@code tls}; grpcs:// and
     * https:// are TLS, grpc:// and http:// plaintext (with {@code tls} every entry is TLS). An entry
     * without a port gets {@code defaultPort}. All entries must agree on TLS: a channel that moves
     * between them must not drop to plaintext on the way.
     *
     * @param setting the name the value was given under (e.g. {@code FLOWPLANE_URL}), for the error
     * @throws IllegalArgumentException naming {@code setting} and the bad entry
     */
    public static Endpoints parse(String value, String setting, boolean tls, int defaultPort) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " is empty: give host:port, or several separated by commas");
        }
        String[] parts = value.split(",", -1);
        List<Endpoint> all = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            Endpoint e = parseOne(parts[i].trim(), i + 1, value, setting, tls, defaultPort);
            if (!all.isEmpty() && e.tls() != all.get(0).tls()) {
                throw new IllegalArgumentException(setting + " '" + value + "' mixes TLS and plaintext endpoints");
            }
            all.add(e);
        }
        return new Endpoints(all);
    }

    private static Endpoint parseOne(String part, int index, String value, String setting, boolean tls,
                                     int defaultPort) {
        String where = setting + " '" + value + "': entry " + index;
        if (part.isEmpty()) {
            throw new IllegalArgumentException(where + " is empty");
        }
        String u = part.contains("://") ? part : (tls ? "grpcs://" : "grpc://") + part;
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(where + " ('" + part + "') is not host:port: " + e.getReason());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("grpc", "grpcs", "http", "https").contains(scheme)) {
            throw new IllegalArgumentException(where + " ('" + part + "') has scheme '" + scheme
                    + "'; use grpc, grpcs, http or https");
        }
        if (uri.getHost() == null) {
            // URI leaves the host null for a bad port ("h:x") or a bad name, and keeps the rest as authority.
            throw new IllegalArgumentException(where + " ('" + part + "') is not host:port");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException(where + " ('" + part + "') has port " + uri.getPort()
                    + "; use 1-65535");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(where + " ('" + part + "') has a path; give only scheme://host:port");
        }
        boolean secure = tls || scheme.equals("grpcs") || scheme.equals("https");
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new Endpoint(host, uri.getPort() > 0 ? uri.getPort() : defaultPort, secure);
    }

    public Endpoint first() {
        return all.get(0);
    }

    public boolean tls() {
        return first().tls();
    }

    /**
     * The gRPC channel target: the endpoint itself when there is one; several go through
     * {@link EndpointList}, registered here, so the channel moves to another when one fails.
     */
    public String grpcTarget() {
        if (all.size() == 1) {
            return first().hostPort();
        }
        EndpointList.register();
        return EndpointList.target(all.stream().map(Endpoint::hostPort).toList());
    }
}
