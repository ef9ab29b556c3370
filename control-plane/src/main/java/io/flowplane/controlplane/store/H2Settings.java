package io.flowplane.controlplane.store;

import java.util.Locale;

/** Settings of an H2 URL that the control plane's workload needs, added unless the URL sets them. */
public final class H2Settings {
    /**
     * H2 keeps the parsed form of only 8 statements per connection by default; the claim, report
     * and heartbeat transactions alone use more than that on one pooled connection, so each of
     * their statements was parsed again (a tenth of the control plane's CPU under load).
     */
    static final int QUERY_CACHE_SIZE = 64;

    private H2Settings() {
    }

    public static String tuned(String url) {
        if (url.toUpperCase(Locale.ROOT).contains(";QUERY_CACHE_SIZE=")) {
            return url;
        }
        return url + ";QUERY_CACHE_SIZE=" + QUERY_CACHE_SIZE;
    }
}
