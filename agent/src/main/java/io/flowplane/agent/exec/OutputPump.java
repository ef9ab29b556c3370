package io.flowplane.agent.exec;

import io.flowplane.proto.v1.LogStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one output stream of a flow process and hands its lines to a sink, a group per read: the
 * lines that one read of the pipe completed, stamped with the time they were read. A busy process
 * thus costs one event per read (up to 8 KiB of output) instead of one per line. A line longer
 * than {@code maxLineBytes} is split, so a process that never prints a newline cannot exhaust the
 * agent's memory.
 */
final class OutputPump implements Runnable {

    interface Sink {
        /** {@code lines} is never empty. */
        void lines(LogStream stream, List<String> lines, Instant at);
    }

    private final InputStream in;
    private final LogStream stream;
    private final Sink sink;
    private final Clock clock;
    private final int maxLineBytes;
    private final List<String> group = new ArrayList<>();

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
                while (true) {
                    // The line may take room more bytes; a newline right after them still ends it.
                    int room = maxLineBytes - line.size();
                    int newline = indexOfNewline(buf, start, (int) Math.min(n, (long) start + room + 1));
                    if (newline >= 0) {
                        end(line, buf, start, newline);
                        start = newline + 1;
                    } else if ((long) start + room < n) {
                        end(line, buf, start, start + room);
                        start += room;
                    } else {
                        break;
                    }
                }
                line.write(buf, start, n - start);
                flush();
            }
        } catch (IOException e) {
            // The pipe closed under us (the process tree was killed): keep what was read.
        }
        if (line.size() > 0) {
            end(line, buf, 0, 0);
        }
        flush();
    }

    private static int indexOfNewline(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Ends the current line with {@code buf[from, to)}; most lines never touch {@code partial}. */
    private void end(ByteArrayOutputStream partial, byte[] buf, int from, int to) {
        String text;
        if (partial.size() == 0) {
            text = new String(buf, from, to - from, StandardCharsets.UTF_8);
        } else {
            partial.write(buf, from, to - from);
            text = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        group.add(text);
    }

    private void flush() {
        if (!group.isEmpty()) {
            sink.lines(stream, List.copyOf(group), clock.instant());
            group.clear();
        }
    }
}
