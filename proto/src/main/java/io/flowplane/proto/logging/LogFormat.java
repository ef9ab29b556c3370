package io.flowplane.proto.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The line format of the shipped logging configuration: {@code text} (the default, one line per
 * event) or {@code json} (one JSON object per line, logback's own {@link JsonEncoder}: time,
 * level, thread, logger, the formatted message, the MDC and the context's properties such as the
 * agent id). Chosen by {@code FLOWPLANE_LOG_FORMAT} / {@code -Dflowplane.log.format} before
 * logging starts, or later by {@link #set(String)} (a flag). A user's own logback configuration
 * is left alone.
 */
public final class LogFormat {
    public static final String ENV = "FLOWPLANE_LOG_FORMAT";
    public static final String PROPERTY = "flowplane.log.format";

    private LogFormat() {
    }

    /** Whether JSON was asked for by the system property or the environment. */
    static boolean jsonRequested() {
        String f = System.getProperty(PROPERTY);
        if (f == null || f.isBlank()) {
            f = System.getenv(ENV);
        }
        return isJson(f);
    }

    /**
     * Switches the shipped configuration's console to {@code format} ("text" or "json").
     *
     * @throws IllegalArgumentException for another format
     */
    public static void set(String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
                || context.getObject(LogLevels.DEFAULT_MARK) == null) {
            return;
        }
        String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        if (!f.equals("text") && !f.equals("json")) {
            throw new IllegalArgumentException("log format must be text or json, not '" + format + "'");
        }
        var appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("console");
        if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(encoder(context, f.equals("json")));
            console.start();
        }
    }

    /** Adds {@code key} to every JSON line of this process (the context's properties), e.g. the agent id. */
    public static void property(String key, String value) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty(key, value);
        }
    }

    static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json) {
        if (json) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithFormattedMessage(true);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(DefaultLogging.PATTERN);
        encoder.start();
        return encoder;
    }

    private static boolean isJson(String f) {
        return f != null && f.trim().equalsIgnoreCase("json");
    }
}
