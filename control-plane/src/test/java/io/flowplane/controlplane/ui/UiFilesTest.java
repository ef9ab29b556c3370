package io.flowplane.controlplane.ui;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The UI's file cache holds the files of the jar and nothing a caller merely asked for. */
class UiFilesTest {
    @Test
    void unknownNamesAreNotRemembered() {
        UiFiles files = new UiFiles("ui/");
        String padding = "a".repeat(7000);
        for (int i = 0; i < 2000; i++) {
            // What GET /ui/<name> asks for, without an API key: each name a new one.
            assertThat(files.get(padding + i + ".js")).isEmpty();
        }
        assertThat(files.cached()).as("entries after 2000 requests for files that do not exist").isZero();

        assertThat(files.get("app.js")).isPresent();
        assertThat(files.get("app.js")).isPresent();
        assertThat(files.cached()).isEqualTo(1);
    }
}
