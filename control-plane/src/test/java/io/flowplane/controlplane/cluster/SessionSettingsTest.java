package io.flowplane.controlplane.cluster;

import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The held sessions' keepalive settings reach the server (on the embedded PostgreSQL, over TCP). */
class SessionSettingsTest {

    @Test
    void theServerEndsAVanishedClientsSessionWithinSecondsAndConfiguredOptionsStay() throws Exception {
        Properties configured = new Properties();
        configured.setProperty("user", "postgres");
        configured.setProperty("options", "-c statement_timeout=4321");
        String url = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", "postgres");
        try (Connection c = DriverManager.getConnection(url, SessionSettings.withKeepalives(configured))) {
            // pg_settings gives the raw values: seconds for the keepalives, milliseconds for the timeouts.
            assertThat(setting(c, "tcp_keepalives_idle")).isEqualTo("10");
            assertThat(setting(c, "tcp_keepalives_interval")).isEqualTo("5");
            assertThat(setting(c, "tcp_keepalives_count")).isEqualTo("3");
            assertThat(setting(c, "tcp_user_timeout")).isEqualTo("20000");
            assertThat(setting(c, "statement_timeout")).as("the configured options are kept").isEqualTo("4321");
        }
        assertThat(SessionSettings.SERVER_GIVES_UP_AFTER).as("the leader's own timeout gives up first")
                .isGreaterThan(SessionSettings.CLIENT_NETWORK_TIMEOUT);
    }

    private static String setting(Connection c, String name) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT setting FROM pg_settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(name).isTrue();
                return rs.getString(1);
            }
        }
    }
}
