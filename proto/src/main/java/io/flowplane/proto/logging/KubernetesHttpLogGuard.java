package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Refuses TRACE and DEBUG of the Kubernetes client's HTTP logging interceptor. At TRACE fabric8's
 * {@code HttpLoggingInterceptor} prints every Kubernetes API request with its headers, the
 * service-account bearer token among them, and a user's logback file (or a "root: TRACE") can turn
 * it on. A turbo filter is consulted before any logger level, so it holds whatever a configuration
 * says, and it also answers the interceptor's {@code isTraceEnabled()}, so the request is not even
 * formatted. INFO and above pass (the interceptor logs nothing there). A warning says so once when
 * someone asked for the lower level. Added by {@link DefaultLogging} to every context it sees,
 * including one a user's file configures.
 */
public final class KubernetesHttpLogGuard extends TurboFilter {
    /** fabric8's {@code io.fabric8.kubernetes.client.http.HttpLoggingInterceptor} (kubernetes-client-api) logs under its class name. */
    public static final String INTERCEPTOR = "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor";

    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * Adds the guard to {@code context} unless it is there already, and again after every reset of
     * the context (a user's {@code scan="true"} file is re-read after one, which drops turbo filters).
     */
    public static void install(LoggerContext context) {
        add(context);
        if (context.getCopyOfListenerList().stream().noneMatch(ReAdd.class::isInstance)) {
            context.addListener(new ReAdd());
        }
    }

    private static void add(LoggerContext context) {
        boolean present = context.getTurboFilterList().stream().anyMatch(KubernetesHttpLogGuard.class::isInstance);
        if (!present) {
            KubernetesHttpLogGuard guard = new KubernetesHttpLogGuard();
            guard.setContext(context);
            guard.setName("kubernetes-http-log-guard");
            guard.start();
            context.addTurboFilter(guard);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || level == null || level.isGreaterOrEqual(Level.INFO) || !guarded(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        if (!logger.getEffectiveLevel().isGreaterOrEqual(Level.INFO) && warned.compareAndSet(false, true)) {
            logger.getLoggerContext().getLogger(KubernetesHttpLogGuard.class).warn("{} logging of the Kubernetes client's HTTP "
                    + "requests ({}) is refused: it would print request headers, the service-account token among them",
                    logger.getEffectiveLevel(), INTERCEPTOR);
        }
        return FilterReply.DENY;
    }

    private static boolean guarded(String name) {
        // Its nested classes ($HttpLogger, $DeferredLoggingConsumer) would log under their own names if they took one.
        return name.equals(INTERCEPTOR) || name.startsWith(INTERCEPTOR + "$");
    }

    /** Puts the guard back once a reset has cleared the turbo filters. */
    private static final class ReAdd implements LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onReset(LoggerContext context) {
            add(context);
        }

        @Override
        public void onStart(LoggerContext context) {
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(Logger logger, Level level) {
        }
    }
}
