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
        List<Endpoint> all = new ArrayList<>();
        for (Entry entry : entries(value, setting)) {
            URI uri = entry.uri(tls ? "grpcs" : "grpc");
            if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null) {
                throw entry.error("has a path; give only scheme://host:port");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            Endpoint e = new Endpoint(entry.host(uri), uri.getPort() > 0 ? uri.getPort() : defaultPort,
                    tls || scheme.equals("grpcs") || scheme.equals("https"));
            if (!all.isEmpty() && e.tls() != all.get(0).tls()) {
                throw new IllegalArgumentException(setting + " '" + value + "' mixes TLS and plaintext endpoints");
            }
            all.add(e);
        }
        return new Endpoints(all);
    }

    /**
     * Parses a list of REST base URLs ({@code http://cp-a:8080,http://cp-b:8080/flowplane}): each
     * needs http:// or https:// and a host, and may carry a path (a control plane behind a proxy).
     *
     * @throws IllegalArgumentException naming {@code setting} and the bad entry
     */
    public static List<URI> parseUrls(String value, String setting) {
        List<URI> all = new ArrayList<>();
        for (Entry entry : entries(value, setting)) {
            if (!entry.text().contains("://")) {
                throw entry.error("has no scheme; give http://host:port or https://host:port");
            }
            URI uri = entry.uri(null);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw entry.error("has scheme '" + scheme + "'; use http or https");
            }
            entry.host(uri);
            all.add(uri);
        }
        return List.copyOf(all);
    }

    /** One comma-separated entry of {@code value}, with what an error about it needs. */
    private record Entry(String text, int index, String value, String setting) {
        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(setting + " '" + value + "': entry " + index + " ('" + text + "') "
                    + what);
        }

        /** The entry as a URI; {@code defaultScheme} is put in front when it has none. */
        URI uri(String defaultScheme) {
            String u = text.contains("://") || defaultScheme == null ? text : defaultScheme + "://" + text;
            URI uri;
            try {
                uri = new URI(u);
            } catch (URISyntaxException e) {
                throw error("is not host:port: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("grpc", "grpcs", "http", "https").contains(scheme)) {
                throw error("has scheme '" + scheme + "'; use grpc, grpcs, http or https");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw error("has port " + uri.getPort() + "; use 1-65535");
            }
            return uri;
        }

        /** The host without IPv6 brackets. */
        String host(URI uri) {
            if (uri.getHost() == null) {
                // URI leaves the host null for a bad port ("h:x") or a bad name, keeping the rest as authority.
                throw error("is not host:port");
            }
            String h = uri.getHost();
            return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
        }
    }

    private static List<Entry> entries(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " is empty: give one endpoint, or several separated by commas");
        }
        String[] parts = value.split(",", -1);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                throw new IllegalArgumentException(setting + " '" + value + "': entry " + (i + 1) + " is empty");
            }
            entries.add(new Entry(part, i + 1, value, setting));
        }
        return entries;
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
