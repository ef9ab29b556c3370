package io.flowplane.proto.logging;

import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLogger;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import io.grpc.netty.shaded.io.netty.util.internal.logging.Slf4JLoggerFactory;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps gRPC's HTTP/2 frame loggers silent at every level. gRPC's Netty handlers log each frame at
 * DEBUG, headers included, so a DEBUG level on them (logback's default when nothing is configured,
 * or a user's "root: DEBUG") prints every API key sent as {@code authorization: Bearer fp_…} on every
 * call. Masking the line afterwards would depend on recognising every credential format; instead the
 * frame loggers are never handed a real logger: Netty's logger factory is wrapped so that these two
 * names get a logger that is never enabled, whatever a logging configuration says, and a warning says
 * so once when someone asked for their DEBUG. Every other Netty logger is the usual SLF4J one.
 *
 * <p>Call {@link #install()} before the first channel or server is built (the frame logger is made
 * per connection, so installing late still covers later connections). Idempotent.
 */
public final class FrameLogGuard {
    /** The two classes that create {@code Http2FrameLogger(LogLevel.DEBUG, ...)} in grpc-netty-shaded. */
    static final Set<String> FRAME_LOGGERS = Set.of(
            "io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler",
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static boolean installed;

    private FrameLogGuard() {
    }

    public static synchronized void install() {
        // Not getDefaultFactory() to check: resolving Netty's default logs a line, and during logback's
        // own initialisation (DefaultLogging calls this) SLF4J would replay it with a warning.
        if (!installed) {
            InternalLoggerFactory.setDefaultFactory(new Guarded());
            installed = true;
        }
    }

    static boolean installed() {
        return installed && InternalLoggerFactory.getDefaultFactory() instanceof Guarded;
    }

    /** SLF4J-backed like Netty's own default here (every Flowplane process has SLF4J), minus the frame loggers. */
    @SuppressWarnings("deprecation") // the public constructor is the only way to extend Netty's SLF4J factory
    private static final class Guarded extends Slf4JLoggerFactory {
        @Override
        public InternalLogger newInstance(String name) {
            if (!FRAME_LOGGERS.contains(name)) {
                return super.newInstance(name);
            }
            if (LoggerFactory.getLogger(name).isDebugEnabled() && WARNED.compareAndSet(false, true)) {
                LoggerFactory.getLogger(FrameLogGuard.class).warn(
                        "DEBUG logging of gRPC's HTTP/2 frames ({}) is refused: it would print every request header, "
                                + "API keys among them", name);
            }
            return silent(name);
        }
    }

    /** A logger that reports every level disabled and drops whatever it is given. */
    static InternalLogger silent(String name) {
        return (InternalLogger) Proxy.newProxyInstance(FrameLogGuard.class.getClassLoader(),
                new Class<?>[] {InternalLogger.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "toString" -> "silent(" + name + ")";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
    }
}
