package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration for every Flowplane process that Dropwizard does not configure: the agent,
 * the CLI, a flow using the SDK. Without it logback logs everything at DEBUG, and gRPC's Netty then
 * prints every frame. Found by logback through {@code META-INF/services}; it steps aside when the user
 * gives a configuration of their own ({@code -Dlogback.configurationFile}, or a {@code logback.xml} /
 * {@code logback-test.xml} on the classpath, as a flow's project may have), so it is a default, not a
 * policy. Either way it installs the {@link FrameLogGuard} and the {@link KubernetesHttpLogGuard}
 * first, so no configuration can make gRPC print API keys or the Kubernetes client its token.
 *
 * <p>One line per event on stderr (stdout stays the CLI's output): time, level, thread, logger,
 * message; an exception's stack trace is folded into the same line with {@code " | "}, so a log
 * shipper never splits one event into many. {@code FLOWPLANE_LOG_FORMAT=json} makes it one JSON
 * object per line instead ({@link LogFormat}).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - "
            + "%replace(%msg){'[\\r\\n]+', ' '}%replace(%ex{full}){'[\\r\\n]+\\s*', ' | '}%nopex%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        FrameLogGuard.install();
        KubernetesHttpLogGuard.install(context);
        if (userConfigurationPresent()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(LogFormat.encoder(context, LogFormat.jsonRequested()));
        console.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(console);
        context.putObject(LogLevels.DEFAULT_MARK, Boolean.TRUE);
        LogLevels.apply(context, requestedLevel(), true);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Level requestedLevel() {
        String requested = LogLevels.requested();
        Level level = LogLevels.parse(requested);
        if (requested != null && !requested.isBlank() && level == null) {
            // Logging is what is being set up, so this one goes to stderr directly.
            System.err.println("flowplane: log level '" + requested + "' is not one of " + LogLevels.NAMES
                    + "; using info");
        }
        return level == null ? Level.INFO : level;
    }

    private static boolean userConfigurationPresent() {
        String file = System.getProperty("logback.configurationFile");
        if (file != null && !file.isBlank()) {
            return true;
        }
        ClassLoader loader = DefaultLogging.class.getClassLoader();
        return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
    }
}
