package io.flowplane.proto.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLogger;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameLogGuardTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @Test
    void logbackIsConfiguredByTheDefaultAndTheGuardIsInstalled() {
        // No logback.xml in this module: the ServiceLoader configurator ran.
        assertThat(context.getObject(LogLevels.DEFAULT_MARK)).isEqualTo(Boolean.TRUE);
        assertThat(FrameLogGuard.installed()).isTrue();
        assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.flowplane").getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void frameLoggersStaySilentEvenWhenTheirLoggerIsAtTrace() {
        FrameLogGuard.install();
        for (String name : FrameLogGuard.FRAME_LOGGERS) {
            context.getLogger(name).setLevel(Level.TRACE);
            InternalLogger frames = InternalLoggerFactory.getInstance(name);
            assertThat(frames.isDebugEnabled()).isFalse();
            assertThat(frames.isTraceEnabled()).isFalse();
            assertThat(frames.isErrorEnabled()).isFalse();
            assertThat(frames.name()).isEqualTo(name);
            frames.debug("header {}", "authorization: Bearer fp_x"); // dropped, no exception
        }
    }

    @Test
    void otherNettyLoggersFollowTheirConfiguredLevel() {
        FrameLogGuard.install();
        String name = "io.grpc.netty.shaded.io.netty.channel.DefaultChannelPipeline";
        context.getLogger(name).setLevel(Level.DEBUG);
        assertThat(InternalLoggerFactory.getInstance(name).isDebugEnabled()).isTrue();
        context.getLogger(name).setLevel(Level.WARN);
        assertThat(InternalLoggerFactory.getInstance(name).isDebugEnabled()).isFalse();
    }

    @Test
    void aLevelRaisesFlowplaneAndYourCodeButNotTheLibrariesBelowWarn() {
        try {
            LogLevels.set("DEBUG");
            assertThat(context.getLogger("io.flowplane.agent").isDebugEnabled()).isTrue();
            assertThat(context.getLogger("com.example.flows").isDebugEnabled()).isTrue();
            assertThat(context.getLogger("io.grpc.internal").isDebugEnabled()).isFalse();
            assertThat(context.getLogger("io.grpc.internal").isWarnEnabled()).isTrue();
            LogLevels.set("error");
            assertThat(context.getLogger("io.grpc.internal").isWarnEnabled()).isFalse();
        } finally {
            LogLevels.set("info");
        }
    }

    @Test
    void aWordThatIsNotALevelIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> LogLevels.set("loud")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'loud' is not a log level (trace, debug, info, warn, error, off)");
    }
}
