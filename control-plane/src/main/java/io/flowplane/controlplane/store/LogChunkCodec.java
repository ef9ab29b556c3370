package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.LogLine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The byte form of a chunk's lines. Version 1: a version byte, then per line a flags byte saying
 * which of (time, stream, level, task run) differ from the previous line, those fields, and the
 * message. Consecutive lines of a process mostly share stream, level and task, so a line costs
 * its message plus 2-4 bytes. The run and the sequences live in the row, not here.
 *
 * <pre>
 * line := flags [zigzag varint: at millis - previous at] [string stream] [string level]
 *         [byte 0 | byte 1 + 16 bytes task run id] string message
 * string := varint byte length, UTF-8 bytes
 * </pre>
 */
public final class LogChunkCodec {
    static final byte VERSION = 1;
    private static final int AT = 1;
    private static final int STREAM = 2;
    private static final int LEVEL = 4;
    private static final int TASK = 8;

    private LogChunkCodec() {
    }

    /** Appends lines of one run, in sequence order, to one chunk's encoding. */
    public static final class Encoder {
        private byte[] buf = new byte[4096];
        private int size;
        private int lines;
        private long at;
        private String stream;
        private String level;
        private UUID task;

        public Encoder() {
            buf[size++] = VERSION;
        }

        public void add(LogLine line) {
            long millis = line.at().toEpochMilli();
            int flags = (lines == 0 || millis != at ? AT : 0)
                    | (lines == 0 || !line.stream().equals(stream) ? STREAM : 0)
                    | (lines == 0 || !line.level().equals(level) ? LEVEL : 0)
                    | (lines == 0 || !Objects.equals(line.taskRunId(), task) ? TASK : 0);
            ensure(1 + 10);
            buf[size++] = (byte) flags;
            if ((flags & AT) != 0) {
                long delta = millis - at;
                writeVarLong((delta << 1) ^ (delta >> 63));
                at = millis;
            }
            if ((flags & STREAM) != 0) {
                writeString(line.stream());
                stream = line.stream();
            }
            if ((flags & LEVEL) != 0) {
                writeString(line.level());
                level = line.level();
            }
            if ((flags & TASK) != 0) {
                writeTask(line.taskRunId());
                task = line.taskRunId();
            }
            writeString(line.message());
            lines++;
        }

        public int lineCount() {
            return lines;
        }

        public int byteSize() {
            return size;
        }

        public byte[] toBytes() {
            return Arrays.copyOf(buf, size);
        }

        private void writeTask(UUID id) {
            ensure(17);
            if (id == null) {
                buf[size++] = 0;
                return;
            }
            buf[size++] = 1;
            writeLong(id.getMostSignificantBits());
            writeLong(id.getLeastSignificantBits());
        }

        private void writeLong(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        private void writeString(String s) {
            // Most log text is ASCII: copied straight in, without an intermediate byte array.
            int length = s.length();
            if (length < 128) {
                ensure(1 + length);
                int mark = size;
                buf[size++] = (byte) length;
                int i = 0;
                for (; i < length; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        break;
                    }
                    buf[size + i] = (byte) c;
                }
                if (i == length) {
                    size += length;
                    return;
                }
                size = mark;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            ensure(5 + bytes.length);
            writeVarLong(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        private void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /**
     * The chunk's lines with a sequence greater than {@code after}, at most {@code max} of them.
     * Lines before {@code after} are skipped without decoding their text.
     */
    public static List<LogLine> decode(LogChunk chunk, long after, int max) {
        Reader in = new Reader(chunk.lines());
        if (in.next() != VERSION) {
            throw new IllegalStateException("log chunk " + chunk.runId() + "/" + chunk.firstSeq()
                    + " has an unknown format version " + chunk.lines()[0]);
        }
        List<LogLine> out = new ArrayList<>(Math.min(max, chunk.lineCount()));
        long at = 0;
        String stream = null;
        String level = null;
        UUID task = null;
        for (int i = 0; i < chunk.lineCount() && out.size() < max; i++) {
            long seq = chunk.firstSeq() + i;
            int flags = in.next();
            if ((flags & AT) != 0) {
                long zigzag = in.varLong();
                at += (zigzag >>> 1) ^ -(zigzag & 1);
            }
            if ((flags & STREAM) != 0) {
                stream = in.string();
            }
            if ((flags & LEVEL) != 0) {
                level = in.string();
            }
            if ((flags & TASK) != 0) {
                task = in.next() == 0 ? null : new UUID(in.fixedLong(), in.fixedLong());
            }
            if (seq <= after) {
                in.skipString();
                continue;
            }
            out.add(new LogLine(seq, chunk.runId(), task, Instant.ofEpochMilli(at), stream, level, in.string()));
        }
        return out;
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int next() {
            return buf[pos++] & 0xFF;
        }

        long varLong() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int b = next();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
        }

        long fixedLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | next();
            }
            return v;
        }

        String string() {
            int length = (int) varLong();
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        void skipString() {
            int length = (int) varLong();
            pos += length;
        }
    }
}
