package io.flowplane.controlplane.cluster;

import java.time.Duration;
import java.util.Properties;

/**
 * Connection settings for the sessions a replica holds for good (the leadership lock, the signal
 * listener and sender), so a dead peer is noticed in seconds rather than after the operating
 * system's TCP keepalive (about two hours).
 * <p>
 * The server side matters most: a leader cut off by a network split holds its session-level
 * advisory lock until PostgreSQL ends that session, and until then no replica does the background
 * work. PostgreSQL's own keepalive and user-timeout settings (given as session options, since
 * pgjdbc has no client-side user timeout) make it drop such a session within
 * {@link #SERVER_GIVES_UP_AFTER}. On the client side the replica asks its sessions a cheap query
 * with a network timeout ({@link #CLIENT_NETWORK_TIMEOUT}), which is shorter: a cut-off leader
 * stops leading before the server lets the lock go to another replica.
 */
public final class SessionSettings {
    /** How long a query on a held session may go unanswered before the replica gives the session up. */
    public static final Duration CLIENT_NETWORK_TIMEOUT = Duration.ofSeconds(5);
    static final int KEEPALIVE_IDLE_S = 10;
    static final int KEEPALIVE_INTERVAL_S = 5;
    static final int KEEPALIVE_COUNT = 3;
    static final Duration USER_TIMEOUT = Duration.ofSeconds(20);
    /** The longest PostgreSQL keeps a session whose client vanished: idle + interval x count. */
    public static final Duration SERVER_GIVES_UP_AFTER =
            Duration.ofSeconds(KEEPALIVE_IDLE_S + (long) KEEPALIVE_INTERVAL_S * KEEPALIVE_COUNT);

    private SessionSettings() {
    }

    /** {@code base} (the configured connection properties) with keepalives on both ends added. */
    public static Properties withKeepalives(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        p.setProperty("tcpKeepAlive", "true");
        String server = "-c tcp_keepalives_idle=" + KEEPALIVE_IDLE_S
                + " -c tcp_keepalives_interval=" + KEEPALIVE_INTERVAL_S
                + " -c tcp_keepalives_count=" + KEEPALIVE_COUNT
                + " -c tcp_user_timeout=" + USER_TIMEOUT.toMillis();
        String configured = p.getProperty("options");
        p.setProperty("options", configured == null || configured.isBlank() ? server : configured + " " + server);
        return p;
    }
}
