package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * The levels of Flowplane's default logging: the chosen level (INFO unless told) for Flowplane and
 * for a flow's own code, and never below WARN for the libraries Flowplane ships, whose DEBUG and INFO
 * lines are noise to a user (and, for some transports, carry request headers).
 *
 * <p>The level comes from, in order: {@code --log-level} (agent), the {@value #PROPERTY} system
 * property, the {@value #ENV} environment variable (the control plane's sample configuration reads the
 * same variable). A logback file of the user's ({@code -Dlogback.configurationFile=...}) replaces the
 * default configuration as a whole; {@code --log-level} then sets only the {@code io.flowplane} loggers.
 */
public final class LogLevels {
    public static final String ENV = "FLOWPLANE_LOG_LEVEL";
    public static final String PROPERTY = "flowplane.log.level";
    public static final String NAMES = "trace, debug, info, warn, error, off";

    static final List<String> LIBRARIES = List.of("io.grpc", "io.netty", "io.perfmark", "com.google",
            "com.fasterxml", "org.eclipse.jetty", "org.glassfish", "io.dropwizard", "org.hibernate", "org.jdbi",
            "org.flywaydb", "com.zaxxer", "org.h2", "org.postgresql", "com.networknt", "com.github.victools",
            "org.apache", "com.cronutils", "org.dmfs", "picocli", "io.zonky", "org.awaitility",
            // The agent's Kubernetes executor, metrics and YAML: they log at INFO, fabric8 at TRACE its HTTP requests.
            "io.fabric8", "io.prometheus", "org.yaml", "org.snakeyaml", "com.codahale");

    /** Marks a context configured by {@link DefaultLogging} (not by a user's file). */
    static final String DEFAULT_MARK = "flowplane.default-logging";

    private LogLevels() {
    }

    /**
     * Applies a level given by the user ({@code --log-level}, a config file's {@code logLevel}).
     *
     * @throws IllegalArgumentException naming the accepted values, for a word that is not a level
     */
    public static void set(String level) {
        Level parsed = parse(level);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + level + "' is not a log level (" + NAMES + ")");
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, parsed, context.getObject(DEFAULT_MARK) != null);
        }
    }

    /** The level asked for by the environment, or null when none (or a word that is not a level) is given. */
    static String requested() {
        String p = System.getProperty(PROPERTY);
        return p != null && !p.isBlank() ? p : System.getenv(ENV);
    }

    static Level parse(String level) {
        if (level == null || level.isBlank()) {
            return null;
        }
        return switch (level.trim().toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARN;
            case "error" -> Level.ERROR;
            case "off" -> Level.OFF;
            default -> null;
        };
    }

    static void apply(LoggerContext context, Level level, boolean wholeConfiguration) {
        context.getLogger("io.flowplane").setLevel(level);
        if (!wholeConfiguration) {
            return;
        }
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level);
        Level libraries = level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN;
        for (String library : LIBRARIES) {
            context.getLogger(library).setLevel(libraries);
        }
    }
}
