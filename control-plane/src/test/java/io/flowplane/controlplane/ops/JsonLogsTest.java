package io.flowplane.controlplane.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** FLOWPLANE_LOG_FORMAT=json on the server's logging block. */
class JsonLogsTest {
    @Test
    void appendersWithoutALayoutOfTheirOwnWriteJson() {
        ConsoleAppenderFactory<ILoggingEvent> console = new ConsoleAppenderFactory<>();
        FileAppenderFactory<ILoggingEvent> file = new FileAppenderFactory<>();
        EventJsonLayoutBaseFactory own = new EventJsonLayoutBaseFactory();
        own.setPrettyPrint(true);
        file.setLayout(own);
        DefaultLoggingFactory logging = new DefaultLoggingFactory();
        logging.setAppenders(List.of(console, file));

        JsonLogs.applyIfRequested(logging, "text");
        assertThat(console.getLayout()).isNull();

        JsonLogs.applyIfRequested(logging, " JSON ");
        assertThat(console.getLayout()).isInstanceOf(EventJsonLayoutBaseFactory.class);
        assertThat(file.getLayout()).isSameAs(own);
    }
}
