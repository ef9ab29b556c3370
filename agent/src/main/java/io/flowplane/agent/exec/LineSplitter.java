package io.flowplane.agent.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a flow's output, as it is read in chunks of any size, into lines. A line longer than
 * {@code maxLineBytes} is split, so a process that never prints a newline cannot exhaust the
 * agent's memory. Tracks how many bytes the lines handed out so far cover, so a reader that stops
 * and starts again (a restarted agent) resumes exactly after the last whole line.
 */
final class LineSplitter {
    private final int maxLineBytes;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** Bytes fed so far, and the part of them that the lines handed out cover. */
    private long fed;
    private long covered;

    LineSplitter(int maxLineBytes, long startOffset) {
        this.maxLineBytes = maxLineBytes;
        this.fed = startOffset;
        this.covered = startOffset;
    }

    /** The lines that {@code buf[0, n)} completed (maybe none); the rest waits for more bytes. */
    List<String> feed(byte[] buf, int n) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            // The line may take room more bytes; a newline right after them still ends it.
            int room = maxLineBytes - partial.size();
            int newline = indexOfNewline(buf, start, (int) Math.min(n, (long) start + room + 1));
            if (newline >= 0) {
                lines.add(end(buf, start, newline));
                start = newline + 1;
            } else if ((long) start + room < n) {
                lines.add(end(buf, start, start + room));
                start += room;
            } else {
                break;
            }
        }
        partial.write(buf, start, n - start);
        fed += n;
        covered = fed - partial.size();
        return lines;
    }

    /** The output ended: the last line, if it had no newline (else null). */
    String finish() {
        if (partial.size() == 0) {
            return null;
        }
        String last = end(new byte[0], 0, 0);
        covered = fed;
        return last;
    }

    /** The offset just after the last line handed out: where a new reader would start. */
    long covered() {
        return covered;
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
    private String end(byte[] buf, int from, int to) {
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
        return text;
    }
}
