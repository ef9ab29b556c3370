package io.flowplane.agent.exec;

import io.flowplane.proto.v1.LogStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * Reads one output stream of a flow process and hands each line (stamped when it was read) to a
 * sink. A line longer than {@code maxLineBytes} is split, so a process that never prints a newline
 * cannot exhaust the agent's memory.
 */
final class OutputPump implements Runnable {

    interface Sink {
        void line(LogStream stream, String text, Instant at);
    }

    private final InputStream in;
    private final LogStream stream;
    private final Sink sink;
    private final Clock clock;
    private final int maxLineBytes;

    OutputPump(InputStream in, LogStream stream, Sink sink, Clock clock, int maxLineBytes) {
        this.in = in;
        this.stream = stream;
        this.sink = sink;
        this.clock = clock;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, start, i - start);
                        emit(line);
                        start = i + 1;
                    } else if (line.size() + (i - start) >= maxLineBytes) {
                        line.write(buf, start, i - start);
                        emit(line);
                        start = i;
                    }
                }
                line.write(buf, start, n - start);
            }
        } catch (IOException e) {
            // The pipe closed under us (the process tree was killed): keep what was read.
        }
        if (line.size() > 0) {
            emit(line);
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        line.reset();
        sink.line(stream, text, clock.instant());
    }
}
