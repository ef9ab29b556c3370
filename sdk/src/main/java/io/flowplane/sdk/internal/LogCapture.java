package io.flowplane.sdk.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.flowplane.sdk.LogEntry;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Attributes what a flow writes to the run and task run doing the writing: a Logback appender on
 * the root logger for SLF4J, and stdout/stderr wrapped so each line written inside a run is also
 * captured (the original streams still get everything). Lines Logback itself prints to the
 * console are skipped by the stream capture: the appender already has them.
 */
public final class LogCapture {
    private static final String APPENDER = "flowplane";
    private static boolean installed;

    private LogCapture() {
    }

    /** Idempotent; also re-attaches the appender if someone reconfigured Logback since. */
    public static synchronized void install() {
        if (!installed) {
            installed = true;
            System.setOut(new PrintStream(new LineCapture(System.out, LogEntry.Stream.STDOUT), true));
            System.setErr(new PrintStream(new LineCapture(System.err, LogEntry.Stream.STDERR), true));
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
                context.addListener(new ReattachOnReset());
            }
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            attach(context);
        }
    }

    private static void attach(LoggerContext context) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) != null) {
            return;
        }
        Appender appender = new Appender();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.start();
        root.addAppender(appender);
    }

    /** Applications (Dropwizard, a reloaded logback.xml) reset Logback, dropping every appender: add ours back. */
    private static final class ReattachOnReset implements ch.qos.logback.classic.spi.LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onStart(LoggerContext context) {
        }

        @Override
        public void onReset(LoggerContext context) {
            attach(context);
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(Logger logger, ch.qos.logback.classic.Level level) {
        }
    }

    /** SLF4J events logged while a flow run is current on the thread. */
    static final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            Scope scope = Scope.current();
            if (scope == null) {
                return;
            }
            String message = event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                message = message + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
            }
            scope.run().log(scope.taskRunId(), LogEntry.Stream.LOGGER, event.getLevel().toString(),
                    event.getLoggerName() + ": " + message);
        }
    }

    /** Passes bytes through and cuts the current thread's output into lines while a run is current. */
    static final class LineCapture extends OutputStream {
        private static final StackWalker WALKER = StackWalker.getInstance();
        private final PrintStream original;
        private final LogEntry.Stream stream;
        private final ThreadLocal<ByteArrayOutputStream> buffer = ThreadLocal.withInitial(ByteArrayOutputStream::new);

        LineCapture(PrintStream original, LogEntry.Stream stream) {
            this.original = original;
            this.stream = stream;
        }

        @Override
        public void write(int b) {
            original.write(b);
            if (Scope.current() != null) {
                take(b);
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            original.write(bytes, off, len);
            if (Scope.current() != null) {
                for (int i = off; i < off + len; i++) {
                    take(bytes[i]);
                }
            }
        }

        @Override
        public void flush() {
            original.flush();
        }

        private void take(int b) {
            ByteArrayOutputStream line = buffer.get();
            if (b == '\n') {
                emit(line);
            } else if (b != '\r') {
                line.write(b);
            }
        }

        private void emit(ByteArrayOutputStream line) {
            String text = line.toString(Charset.defaultCharset());
            line.reset();
            Scope scope = Scope.current();
            if (scope == null || fromLogback()) {
                return;
            }
            scope.run().log(scope.taskRunId(), stream, stream == LogEntry.Stream.STDERR ? "ERROR" : "INFO", text);
        }

        private static boolean fromLogback() {
            return WALKER.walk(frames -> frames.anyMatch(f -> f.getClassName().startsWith("ch.qos.logback.")));
        }
    }
}
