package io.flowplane.cli.client;

import io.flowplane.cli.Api;
import io.flowplane.cli.output.Output;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The records that hold an API key print it masked: a toString in a log line or message must not leak it. */
class KeyMaskingTest {
    private static final String KEY = "fp_abcdefghijklmnopqrstuvwxyz0123456789";

    @Test
    void targetProfileAndApiMaskTheKey() {
        Target target = new Target("https://cp.example:8443", KEY);
        Profiles.Profile profile = new Profiles.Profile("https://cp.example:8443", KEY);
        Api api = new Api(null, target, Output.values()[0], System.out);
        for (Object o : new Object[]{target, profile, api}) {
            assertThat(o.toString()).as(o.getClass().getSimpleName())
                    .contains("https://cp.example:8443").contains("(set, masked)")
                    .doesNotContain(KEY).doesNotContain("abcdefghij");
        }
        assertThat(new Target("http://x:1", "").toString()).contains("apiKey=(none)");
        // Equality still compares the key: only the printed form changed.
        assertThat(target).isNotEqualTo(new Target("https://cp.example:8443", KEY + "x"));
    }
}
