package io.flowplane.proto.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** gRPC-java's java.util.logging lines reach logback (one line, our format), at logback's levels. */
class JulRoutingTest {
    @Test
    void julRecordsGoThroughLogbackAndItsLevels() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getObject(LogLevels.DEFAULT_MARK)).as("the default configuration ran").isEqualTo(Boolean.TRUE);
        // JUL's own console handler is gone: only the bridge is left on its root.
        assertThat(Arrays.asList(Logger.getLogger("").getHandlers())).singleElement().isInstanceOf(SLF4JBridgeHandler.class);

        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(seen);
        try {
            Logger grpc = Logger.getLogger("io.grpc.internal.ManagedChannelImpl");
            grpc.log(Level.WARNING, "Failed to resolve name", new java.net.UnknownHostException("no-such-host.invalid"));
            grpc.info("held back: io.grpc is at WARN");
            assertThat(seen.list).singleElement().satisfies(e -> {
                assertThat(e.getLoggerName()).isEqualTo("io.grpc.internal.ManagedChannelImpl");
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                assertThat(e.getThrowableProxy().getClassName()).isEqualTo("java.net.UnknownHostException");
            });
            // logback's WARN for io.grpc reached JUL, so the INFO record was not even built.
            assertThat(grpc.isLoggable(Level.INFO)).isFalse();
        } finally {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(seen);
        }
    }
}
