package io.flowplane.agent.spool;

import io.flowplane.proto.v1.RunEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The spool's files: segment names, the record format {@code [int length][int CRC-32C][RunEvent
 * bytes]}, reading a record back, and the scan that cuts a segment at its first torn or
 * out-of-sequence record when the agent starts again. {@link Spool} owns the state; this class
 * owns only the bytes.
 */
final class SpoolFiles {
    /** Logged under the spool's name: operators look for one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    static final int HEADER = 8;
    private static final String PREFIX = "segment-";
    private static final String SUFFIX = ".log";

    private SpoolFiles() {
    }

    /** Zero-padded so that the names sort in sequence order. */
    static String segmentName(long firstSeq) {
        return String.format("%s%020d%s", PREFIX, firstSeq, SUFFIX);
    }

    static boolean isSegment(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
    }

    /** A segment file: its first and last sequence numbers and its size in bytes. */
    static final class Segment {
        final Path path;
        final long firstSeq;
        long lastSeq;
        long size;
        boolean torn;

        Segment(Path path, long firstSeq, long lastSeq, long size) {
            this.path = path;
            this.firstSeq = firstSeq;
            this.lastSeq = lastSeq;
            this.size = size;
        }
    }

    /** A record read back: its event and its length on disk (header included). */
    record Record(RunEvent event, int length) {
    }

    static Record readRecord(FileChannel in, long pos) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(in, header, pos);
        int length = header.getInt(0);
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(in, body, pos + HEADER);
        if (crc(body.array()) != header.getInt(4)) {
            throw new IOException("spool record at " + pos + " fails its checksum");
        }
        return new Record(RunEvent.parseFrom(body.array()), HEADER + length);
    }

    private static void readFully(FileChannel in, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            if (in.read(buf, pos + buf.position()) < 0) {
                throw new IOException("spool record cut short at " + pos);
            }
        }
    }

    /** Reads a segment's records, cutting it at the first torn or out-of-sequence record. */
    static Segment scan(Path path, long expectedFirst) throws IOException {
        String name = path.getFileName().toString();
        long first = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        Segment s = new Segment(path, first, first - 1, 0);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long pos = 0;
            long size = ch.size();
            long next = expectedFirst > 0 ? expectedFirst : first;
            while (pos < size) {
                Record r;
                try {
                    r = readRecord(ch, pos);
                } catch (IOException | RuntimeException bad) {
                    LOG.warn("spool segment {}: cutting a torn record at byte {} ({})", path, pos, bad.getMessage());
                    ch.truncate(pos);
                    s.torn = true;
                    break;
                }
                RunEvent e = r.event();
                if (e.getSeq() != next) {
                    LOG.warn("spool segment {}: seq {} where {} was expected; cutting there", path, e.getSeq(), next);
                    ch.truncate(pos);
                    s.torn = true;
                    break;
                }
                pos += r.length();
                s.lastSeq = e.getSeq();
                next++;
            }
            s.size = pos;
            ch.force(true);
        }
        return s;
    }

    /** Write-then-rename, so that a kill -9 leaves the old content or the new one, never half. */
    static void writeAtomically(Path dir, Path target, String content) throws IOException {
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static int crc(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }
}
