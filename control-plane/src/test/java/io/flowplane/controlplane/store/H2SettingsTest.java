package io.flowplane.controlplane.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class H2SettingsTest {
    @Test
    void addsTheQueryCacheUnlessTheUrlSetsIt() {
        assertThat(H2Settings.tuned("jdbc:h2:file:./x;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:./x;WRITE_DELAY=0;QUERY_CACHE_SIZE=" + H2Settings.QUERY_CACHE_SIZE);
        assertThat(H2Settings.tuned("jdbc:h2:file:./x;query_cache_size=8")).isEqualTo("jdbc:h2:file:./x;query_cache_size=8");
    }
}
