package io.flowplane.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.flowplane.proto.logging.KubernetesHttpLogGuard;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard names the fabric8 class the agent actually ships, and holds in the agent's logging. */
class KubernetesHttpLoggingTest {
    @Test
    void theShippedInterceptorCannotLogAtTrace() {
        assertThat(KubernetesHttpLogGuard.INTERCEPTOR).isEqualTo(HttpLoggingInterceptor.class.getName());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var logger = context.getLogger(HttpLoggingInterceptor.class);
        Level before = logger.getLevel();
        try {
            logger.setLevel(Level.TRACE);
            assertThat(LoggerFactory.getLogger(HttpLoggingInterceptor.class).isTraceEnabled()).isFalse();
        } finally {
            logger.setLevel(before);
        }
    }
}
