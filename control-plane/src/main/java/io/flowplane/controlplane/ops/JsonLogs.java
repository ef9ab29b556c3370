package io.flowplane.controlplane.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dropwizard.logging.common.AbstractAppenderFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.LoggingFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;

/**
 * {@code FLOWPLANE_LOG_FORMAT=json}: every appender of the server's {@code logging} block that
 * names no layout of its own writes Dropwizard's JSON layout (one object per line, with the MDC:
 * the request id of REST requests). The same as writing {@code layout: {type: json}} under each
 * appender in control-plane.yml, without editing it.
 */
public final class JsonLogs {
    public static final String ENV = "FLOWPLANE_LOG_FORMAT";

    private JsonLogs() {
    }

    public static void applyIfRequested(LoggingFactory logging, String format) {
        if (format == null || !format.trim().equalsIgnoreCase("json") || !(logging instanceof DefaultLoggingFactory d)) {
            return;
        }
        for (AppenderFactory<ILoggingEvent> a : d.getAppenders()) {
            if (a instanceof AbstractAppenderFactory<ILoggingEvent> appender && appender.getLayout() == null) {
                appender.setLayout(new EventJsonLayoutBaseFactory());
            }
        }
    }
}
