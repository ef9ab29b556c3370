package io.flowplane.agent.exec;

import io.flowplane.proto.v1.LogStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows one output file of a flow (the watchdog appends the process's stdout or stderr there)
 * from an offset and hands its lines to a sink, a group per read: the lines one read completed,
 * stamped with the time they were read, and the file offset they end at. The process never writes
 * into a pipe to the agent, so what it prints while the agent is down waits in the file, and a
 * restarted agent resumes at the offset its spool recorded. {@link #finish()} (the process exited)
 * makes it read to the end of the file and stop.
 */
final class OutputTail implements Runnable {
    /** How long an idle tail waits before looking again: the latency of a quiet process's next line. */
    private static final long IDLE_NANOS = 20_000_000;

    interface Sink {
        /** {@code lines} is never empty; {@code endOffset} is where the next line starts in the file. */
        void lines(LogStream stream, List<String> lines, Instant at, long endOffset);
    }

    private final Path file;
    private final LogStream stream;
    private final Sink sink;
    private final Clock clock;
    private final LineSplitter splitter;
    private final Object wake = new Object();
    private volatile boolean finishing;
    private volatile boolean abandoned;

    OutputTail(Path file, LogStream stream, long offset, Sink sink, Clock clock, int maxLineBytes) {
        this.file = file;
        this.stream = stream;
        this.sink = sink;
        this.clock = clock;
        this.splitter = new LineSplitter(maxLineBytes, offset);
    }

    /** The process is gone: read what is left and stop. */
    void finish() {
        finishing = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Stop reading at once (the output did not end in time); the rest is dropped. */
    void abandon() {
        abandoned = true;
        finish();
    }

    @Override
    public void run() {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = splitter.covered();
            while (!abandoned) {
                // Read the flag before reading: when it is set, the process had already exited,
                // so the read that finds nothing more is the end of the output.
                boolean last = finishing;
                buf.clear();
                int n = in.read(buf, position);
                if (n > 0) {
                    position += n;
                    List<String> lines = splitter.feed(buf.array(), n);
                    if (!lines.isEmpty()) {
                        sink.lines(stream, lines, clock.instant(), splitter.covered());
                    }
                    continue;
                }
                if (last) {
                    break;
                }
                idle();
            }
        } catch (IOException e) {
            // The run directory went away (the run was fenced and cleaned up): nothing more to read.
        }
        String rest = abandoned ? null : splitter.finish();
        if (rest != null) {
            List<String> lines = new ArrayList<>(1);
            lines.add(rest);
            sink.lines(stream, lines, clock.instant(), splitter.covered());
        }
    }

    private void idle() {
        synchronized (wake) {
            if (finishing) {
                return;
            }
            try {
                wake.wait(IDLE_NANOS / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finishing = true;
            }
        }
    }
}
