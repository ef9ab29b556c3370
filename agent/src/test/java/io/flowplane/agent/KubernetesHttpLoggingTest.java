package io.flowplane.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.flowplane.proto.logging.DefaultLogging;
import io.flowplane.proto.logging.KubernetesHttpLogGuard;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard names the fabric8 class the agent actually ships, and the logging the agent starts
 * with (logback's configurator, {@link DefaultLogging}) holds it even when the interceptor's
 * logger is set to TRACE. A fresh context configured the agent's way: this JVM's own context
 * has been reset and stopped by the in-process control planes of other tests (Dropwizard
 * configures logging its own way), which an agent process never is; NoSecretsInLogsIT runs the
 * agent jar itself.
 */
class KubernetesHttpLoggingTest {
    @Test
    void theShippedInterceptorCannotLogAtTrace() {
        assertThat(KubernetesHttpLogGuard.INTERCEPTOR).isEqualTo(HttpLoggingInterceptor.class.getName());
        LoggerContext context = new LoggerContext();
        try {
            DefaultLogging logging = new DefaultLogging();
            logging.setContext(context);
            logging.configure(context);
            var logger = context.getLogger(HttpLoggingInterceptor.class);
            logger.setLevel(Level.TRACE);
            assertThat(logger.isTraceEnabled()).isFalse();
            assertThat(logger.isDebugEnabled()).isFalse();
            assertThat(context.getLogger("io.flowplane.agent").isInfoEnabled()).as("a control").isTrue();
        } finally {
            context.stop();
        }
    }
}
