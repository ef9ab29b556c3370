package io.flowplane.controlplane.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Refuses DEBUG and TRACE for Jetty's loggers: at those levels Jetty prints every request header it
 * parses, {@code Authorization: Bearer fp_…} and {@code Idempotency-Key} among them, so a
 * {@code logging.level: DEBUG} (or a logger override) would write every API key into the log. A
 * turbo filter sits in front of every logger, whatever level the configuration gives them; the first
 * refused line leaves one warning saying why. gRPC's frame loggers, the other header printers, are
 * kept silent by {@link io.flowplane.proto.logging.FrameLogGuard}.
 *
 * <p>Installed after Dropwizard configured logging (in {@code run}), which resets the context.
 */
final class HeaderLogGuard extends TurboFilter {
    static final String JETTY = "org.eclipse.jetty";

    private final AtomicBoolean warned = new AtomicBoolean();

    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(HeaderLogGuard.class::isInstance)) {
            HeaderLogGuard guard = new HeaderLogGuard();
            guard.setName("flowplane-header-log-guard");
            guard.setContext(context);
            guard.start();
            context.addTurboFilter(guard);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || level.isGreaterOrEqual(Level.INFO) || !logger.getName().startsWith(JETTY)) {
            return FilterReply.NEUTRAL;
        }
        // Not logger.isEnabledFor: that asks the turbo filters again.
        if (level.isGreaterOrEqual(logger.getEffectiveLevel()) && warned.compareAndSet(false, true)) {
            LoggerFactory.getLogger(HeaderLogGuard.class).warn("DEBUG and TRACE logging of Jetty ({}) is refused: "
                    + "it would print request headers, API keys among them", logger.getName());
        }
        return FilterReply.DENY;
    }
}
