package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON line format of the shipped logging configuration (agent, CLI). */
class LogFormatTest {
    @Test
    void aJsonLineCarriesTheFormattedMessageTheMdcAndTheContextsProperties() {
        LoggerContext context = new LoggerContext();
        context.putProperty("agentId", "agent-1");
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.flowplane.agent.Agent"), Level.WARN,
                "run {} lost its lease", null, new Object[] {"r-7"});
        event.setMDCPropertyMap(Map.of("runId", "r-7"));

        String line = new String(LogFormat.encoder(context, true).encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n").startsWith("{").endsWith("}");
        assertThat(line).contains("\"level\":\"WARN\"", "\"loggerName\":\"io.flowplane.agent.Agent\"",
                "\"formattedMessage\":\"run r-7 lost its lease\"", "\"runId\":\"r-7\"", "\"agentId\":\"agent-1\"");
        assertThat(line).doesNotContain("\"arguments\"", "run {} lost");
    }

    @Test
    void textStaysTheDefaultLine() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("x"), Level.INFO, "hello", null, null);
        String line = new String(LogFormat.encoder(context, false).encode(event), StandardCharsets.UTF_8);
        assertThat(line).contains(" INFO  ", "x - hello").doesNotContain("{");
    }
}
