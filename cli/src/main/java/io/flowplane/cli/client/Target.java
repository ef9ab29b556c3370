package io.flowplane.cli.client;

import io.flowplane.cli.CliException;

import java.net.URI;
import java.util.Map;

/**
 * Which control plane a command talks to and with which key. Each value comes from the first
 * source that has it: the flag, the environment (FLOWPLANE_URL, FLOWPLANE_API_KEY), the profile
 * ({@code --profile}, FLOWPLANE_PROFILE, or the active one), then the default URL.
 */
public record Target(String url, String apiKey) {
    public static final String DEFAULT_URL = "http://localhost:8080";

    /** The record's own toString would print the key into any log line or exception message that shows a Target. */
    @Override
    public String toString() {
        return "Target[url=" + url + ", apiKey=" + masked(apiKey) + "]";
    }

    /** How a key is shown: whether one is set, never its characters. */
    public static String masked(String key) {
        return key == null || key.isBlank() ? "(none)" : "(set, masked)";
    }

    public static Target resolve(ClientOptions o, Map<String, String> env, Profiles profiles) {
        String url = first(o.url, env.get("FLOWPLANE_URL"));
        String key = first(o.apiKey, env.get("FLOWPLANE_API_KEY"));
        if (url == null || key == null) {
            Profiles.File file = profiles.read();
            String name = first(o.profile, env.get("FLOWPLANE_PROFILE"), file.active());
            Profiles.Profile p = name == null ? null : file.profiles().get(name);
            if (p == null && name != null && (o.profile != null || env.get("FLOWPLANE_PROFILE") != null)) {
                throw new CliException("no profile named '" + name + "' in " + profiles.path()
                        + " — create it with `flowplane login --profile " + name + "`");
            }
            // A profile's key goes only to the profile's own control plane, never to another --url.
            if (p != null && (url == null || p.url() == null || normalize(url).equals(normalize(p.url())))) {
                url = first(url, p.url());
                key = first(key, p.apiKey());
            }
        }
        return new Target(normalize(first(url, DEFAULT_URL)), key == null ? "" : key.trim());
    }

    /** Checks the URL and drops a trailing slash and a trailing /api/v1 someone copied along. */
    public static String normalize(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/api/v1")) {
            u = u.substring(0, u.length() - "/api/v1".length());
        }
        try {
            URI uri = URI.create(u);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("expected http://host:port or https://host:port");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid control plane URL '" + url + "': " + e.getMessage());
        }
        return u;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null && !(v instanceof String s && s.isBlank())) {
                return v;
            }
        }
        return null;
    }
}
