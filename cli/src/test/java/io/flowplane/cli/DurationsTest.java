package io.flowplane.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {
    @Test
    void readsWhatPeopleType() {
        assertThat(Durations.seconds("90").getAsDouble()).isEqualTo(90);
        assertThat(Durations.seconds("90s").getAsDouble()).isEqualTo(90);
        assertThat(Durations.seconds("1h30m").getAsDouble()).isEqualTo(5400);
        assertThat(Durations.seconds("1d").getAsDouble()).isEqualTo(86400);
        assertThat(Durations.seconds("500ms").getAsDouble()).isEqualTo(0.5);
        assertThat(Durations.seconds("PT15M").getAsDouble()).isEqualTo(900);
        assertThat(Durations.seconds("*/5 * * * *")).isEmpty();
        assertThat(Durations.seconds("5 m")).isEmpty();
        assertThat(Durations.seconds("m5")).isEmpty();
        assertThat(Durations.seconds("")).isEmpty();
    }
}
