package io.flowplane.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** `flowplane server` and `flowplane agent` parse only their own command; they still answer as before. */
class ProcessCommandsTest {
    @Test
    void serverWithAMissingConfigFileFailsWithOneLine() {
        String err = stderr(() -> assertThat(Main.execute("server", "--config", "/nonexistent/control-plane.yml")).isEqualTo(1));
        assertThat(err).startsWith("flowplane: no configuration file /nonexistent/control-plane.yml");
    }

    @Test
    void agentWithoutPoolOrKeyExitsTwoNamingWhatIsMissing() {
        String err = stderr(() -> assertThat(Main.execute("agent", "--url", "127.0.0.1:1")).isEqualTo(2));
        assertThat(err).contains("a work pool is required", "an API key is required");
    }

    @Test
    void agentRejectsAnUnknownOptionWithItsUsage() {
        String err = stderr(() -> assertThat(Main.execute("agent", "--bogus")).isEqualTo(2));
        assertThat(err).contains("Unknown option: '--bogus'", "Usage: flowplane agent");
    }

    @Test
    void agentLsStillGoesThroughTheWholeTree() {
        assertThat(Main.commandLine().getSubcommands().get("agent").getSubcommands()).containsKey("ls");
        String err = stderr(() -> assertThat(Main.execute("agent", "ls", "--url", "http://127.0.0.1:1", "--api-key",
                "fp_" + "x".repeat(40))).isNotZero());
        assertThat(err).startsWith("flowplane: ");
    }

    private static String stderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString();
    }
}
