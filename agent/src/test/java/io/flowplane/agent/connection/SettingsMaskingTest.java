package io.flowplane.agent.connection;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection settings hold the agent's API key; printing them (a log line, a message) must not show it. */
class SettingsMaskingTest {
    @Test
    void toStringMasksTheKey() {
        String key = "fp_abcdefghijklmnopqrstuvwxyz0123456789";
        var s = new ControlPlaneConnection.Settings("grpcs://cp:9090", key, true, "/ca.pem", null, null,
                Duration.ofSeconds(30), Duration.ofSeconds(10));
        assertThat(s.toString()).contains("grpcs://cp:9090").contains("apiKey=(set, masked)").contains("/ca.pem")
                .doesNotContain(key).doesNotContain("abcdefghij");
        assertThat(new ControlPlaneConnection.Settings("cp:9090", null, false, null, null, null,
                Duration.ofSeconds(30), Duration.ofSeconds(10)).toString()).contains("apiKey=(none)");
    }
}
