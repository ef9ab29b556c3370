package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.bridge.SLF4JBridgeHandler;

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
        routeJavaUtilLogging(context);
        LogLevels.apply(context, requestedLevel(), true);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * gRPC-java (name resolution, channel state) logs through java.util.logging, whose console
     * handler writes two-line records with raw stack traces beside our one-line events. Its root
     * handlers are replaced by the SLF4J bridge, and logback's levels are copied to JUL's loggers
     * (before {@link LogLevels#apply}, which then reaches them) so a disabled JUL line costs nothing.
     * Only here, where the configuration is ours: a user's logback file decides for itself.
     */
    private static void routeJavaUtilLogging(LoggerContext context) {
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        propagator.start();
        context.addListener(propagator);
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
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
