package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesHttpLogGuardTest {
    @Test
    void traceOfTheInterceptorIsRefusedWithOneWarningWhateverItsLevel() {
        LoggerContext context = new LoggerContext(); // its own, as a user's logback file would configure it
        ListAppender<ILoggingEvent> seen = attach(context);
        KubernetesHttpLogGuard.install(context);
        var interceptor = context.getLogger(KubernetesHttpLogGuard.INTERCEPTOR);
        interceptor.setLevel(Level.TRACE);

        assertThat(interceptor.isTraceEnabled()).isFalse();
        assertThat(interceptor.isDebugEnabled()).isFalse();
        interceptor.trace("-HTTP START- {} {}", "GET", "Authorization: Bearer eyJ-service-account");
        interceptor.trace("again {}", "Authorization: Bearer eyJ-service-account");
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("eyJ"));
        assertThat(seen.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("TRACE logging of the Kubernetes client's HTTP requests").contains("refused");

        // Its warnings still come through, and other fabric8 loggers keep their configured level.
        interceptor.warn("a warning");
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).contains("a warning");
        context.getLogger("io.fabric8.kubernetes.client.informers").setLevel(Level.DEBUG);
        assertThat(context.getLogger("io.fabric8.kubernetes.client.informers").isDebugEnabled()).isTrue();
    }

    @Test
    void theGuardSurvivesAResetOfTheContext() {
        LoggerContext context = new LoggerContext();
        KubernetesHttpLogGuard.install(context);
        context.reset(); // what re-reading a scan="true" file does first
        var interceptor = context.getLogger(KubernetesHttpLogGuard.INTERCEPTOR);
        interceptor.setLevel(Level.TRACE);
        assertThat(interceptor.isTraceEnabled()).isFalse();
        assertThat(context.getTurboFilterList()).filteredOn(KubernetesHttpLogGuard.class::isInstance).hasSize(1);
    }

    @Test
    void theDefaultConfigurationInstallsItAndKeepsTheNewLibrariesAtWarn() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getTurboFilterList()).filteredOn(KubernetesHttpLogGuard.class::isInstance).hasSize(1);
        try {
            LogLevels.set("trace");
            for (String library : new String[]{"io.fabric8.kubernetes.client.dsl", "io.prometheus.metrics",
                    "org.yaml.snakeyaml", "org.snakeyaml.engine", "com.codahale.metrics"}) {
                assertThat(context.getLogger(library).isInfoEnabled()).as(library).isFalse();
                assertThat(context.getLogger(library).isWarnEnabled()).as(library).isTrue();
            }
            assertThat(context.getLogger("io.flowplane.agent").isTraceEnabled()).isTrue();
        } finally {
            LogLevels.set("info");
        }
    }

    private static ListAppender<ILoggingEvent> attach(LoggerContext context) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }
}
