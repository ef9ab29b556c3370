package io.flowplane.agent.spool;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.flowplane.agent.spool.SpoolFiles.Segment;
import io.flowplane.proto.v1.RunEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The agent's durable outbox: every event is appended here before it is shipped and stays until
 * the control plane acknowledges it. Events are numbered 1, 2, 3, … for this spool's source id.
 *
 * <p>On disk: a {@code source-id} file, an {@code acked} watermark, and append-only segment files
 * of records {@code [int length][int CRC-32C][RunEvent bytes]}. {@link #append} returns once the
 * record's bytes are written to the operating system (plus fsync when configured), so an appended
 * event survives a kill -9 of the agent. A torn record at the tail (the agent died mid-write) is
 * cut off when the spool is opened again.
 *
 * <p>Bounded: when unacknowledged records reach {@code maxBytes}, appends wait (or fail, when the
 * caller cannot wait) until acknowledgements free room; reaching the bound is logged as an error
 * and counted in the {@code flowplane.agent.spool.full} metric. Never interrupt a thread inside
 * this class: an interrupt closes the file channel it is using.
 */
public final class Spool implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    /** Bytes of recently appended events kept in memory for the shipper (about one full batch). */
    private static final long RECENT_MAX_BYTES = 4L * 1024 * 1024;

    /** Bound on unacknowledged bytes, segment size, and whether every append is fsynced. */
    public record Settings(long maxBytes, long segmentBytes, boolean fsync) {
        public Settings {
            if (segmentBytes <= SpoolFiles.HEADER || maxBytes < segmentBytes) {
                throw new IllegalArgumentException("spool needs maxBytes >= segmentBytes > " + SpoolFiles.HEADER);
            }
        }
    }

    /** Thrown by a non-waiting append when the spool is at its bound. */
    public static final class FullException extends Exception {
        FullException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final Settings settings;
    private final String sourceId;
    private final Counter fullCount;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Segment> segments = new ArrayList<>();
    /** The newest events as appended, so the shipper need not read them back from disk. */
    private final RecentEvents recent = new RecentEvents(RECENT_MAX_BYTES);
    private FileChannel writer;
    private long nextSeq;
    private long acked;
    private long bytes;
    private boolean full;
    private boolean closed;
    private ReadCursor cursor;

    private Spool(Path dir, Settings settings, String sourceId, MetricRegistry metrics) {
        this.dir = dir;
        this.settings = settings;
        this.sourceId = sourceId;
        this.fullCount = metrics.counter("flowplane.agent.spool.full");
        metrics.register("flowplane.agent.spool.bytes", (Gauge<Long>) this::bytes);
        metrics.register("flowplane.agent.spool.unacked", (Gauge<Long>) () -> lastSeq() - ackedSeq());
    }

    /** Opens (or creates) the spool in {@code dir}, recovering what a previous agent left. */
    public static Spool open(Path dir, Settings settings, MetricRegistry metrics) throws IOException {
        Files.createDirectories(dir);
        Path sourceFile = dir.resolve("source-id");
        if (!Files.exists(sourceFile)) {
            // A sequence belongs to a spool: a new spool directory is a new source, so its seq 1 is
            // never mistaken for a duplicate of an older spool's events.
            SpoolFiles.writeAtomically(dir, sourceFile, "agent-" + UUID.randomUUID());
        }
        Spool spool = new Spool(dir, settings, Files.readString(sourceFile, StandardCharsets.UTF_8).trim(), metrics);
        spool.recover();
        return spool;
    }

    public String sourceId() {
        return sourceId;
    }

    /**
     * Numbers {@code event} with the next sequence and appends it. Waits for room when the spool is
     * full if {@code wait}, else throws {@link FullException}.
     *
     * @return the sequence number given to the event
     */
    public long append(RunEvent event, boolean wait) throws FullException {
        return append(event, wait, null);
    }

    /**
     * The same, and runs {@code written} (when not null) right after the record is written, still
     * under the spool's lock: before the shipper can read the event, so before the control plane
     * can acknowledge it and the spool drop it. A record kept beside the spool (a run's output
     * offsets) thus never lags behind an event that is no longer here.
     */
    public long append(RunEvent event, boolean wait, Runnable written) throws FullException {
        lock.lock();
        try {
            RunEvent numbered = event.toBuilder().setSeq(nextSeq).build();
            byte[] payload = numbered.toByteArray();
            long size = SpoolFiles.HEADER + payload.length;
            if (size > settings.maxBytes()) {
                throw new IllegalArgumentException("an event of " + size + " bytes exceeds the spool bound");
            }
            while (bytes + size > settings.maxBytes() && !closed) {
                reachedBound();
                if (!wait) {
                    throw new FullException("the agent's spool is full (" + bytes + " bytes unacknowledged)");
                }
                changed.awaitUninterruptibly();
                if (numbered.getSeq() != nextSeq) {
                    numbered = event.toBuilder().setSeq(nextSeq).build();
                    payload = numbered.toByteArray();
                }
            }
            if (closed) {
                throw new IllegalStateException("spool closed");
            }
            write(numbered.getSeq(), payload);
            if (written != null) {
                written.run();
            }
            recent.add(numbered, SpoolFiles.HEADER + payload.length);
            changed.signalAll();
            return numbered.getSeq();
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the spool in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    private void reachedBound() {
        if (!full) {
            full = true;
            fullCount.inc();
            LOG.error("SPOOL FULL: {} bytes of events are not yet acknowledged by the control plane (bound {} bytes, "
                    + "spool {}); flow output is held back until acknowledgements free room", bytes,
                    settings.maxBytes(), dir);
        }
    }

    private void write(long seq, byte[] payload) throws IOException {
        Segment active = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (writer == null || active == null || active.size + SpoolFiles.HEADER + payload.length > settings.segmentBytes()) {
            roll(seq);
            active = segments.get(segments.size() - 1);
        }
        ByteBuffer record = ByteBuffer.allocate(SpoolFiles.HEADER + payload.length);
        record.putInt(payload.length).putInt(SpoolFiles.crc(payload)).put(payload).flip();
        long before = active.size;
        try {
            while (record.hasRemaining()) {
                writer.write(record);
            }
            if (settings.fsync()) {
                writer.force(false);
            }
        } catch (IOException e) {
            writer.truncate(before);
            throw e;
        }
        active.size += record.limit();
        active.lastSeq = seq;
        bytes += record.limit();
        nextSeq = seq + 1;
    }

    private void roll(long firstSeq) throws IOException {
        if (writer != null) {
            writer.close();
        }
        Path path = dir.resolve(SpoolFiles.segmentName(firstSeq));
        writer = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segments.add(new Segment(path, firstSeq, firstSeq - 1, writer.size()));
        bytes += writer.size();
    }

    /** Up to {@code maxEvents} events (and about {@code maxBytes}) from sequence {@code from} on. */
    public List<RunEvent> read(long from, int maxEvents, long maxBytes) {
        long seq;
        List<SegmentView> views = new ArrayList<>();
        ReadCursor start;
        lock.lock();
        try {
            seq = Math.max(from, acked + 1);
            if (recent.holds(seq)) {
                return recent.read(seq, maxEvents, maxBytes);
            }
            for (Segment s : segments) {
                if (s.lastSeq >= seq) {
                    views.add(new SegmentView(s, s.size));
                }
            }
            start = cursor;
        } finally {
            lock.unlock();
        }
        // The files are read and parsed without the lock, so appends (a process's output) never
        // wait for a read: they only add bytes past the sizes taken above, and a segment that
        // acknowledge() deletes meanwhile held only events that are acknowledged.
        List<RunEvent> out = new ArrayList<>();
        long taken = 0;
        ReadCursor end = null;
        for (SegmentView v : views) {
            if (out.size() >= maxEvents || taken >= maxBytes) {
                break;
            }
            try (FileChannel in = FileChannel.open(v.segment().path, StandardOpenOption.READ)) {
                long pos = start != null && start.segment == v.segment() && start.seq == seq ? start.position : 0;
                while (pos < v.size() && out.size() < maxEvents && taken < maxBytes) {
                    SpoolFiles.Record r = SpoolFiles.readRecord(in, pos);
                    RunEvent e = r.event();
                    pos += r.length();
                    if (e.getSeq() >= seq) {
                        out.add(e);
                        taken += r.length();
                        seq = e.getSeq() + 1;
                    }
                }
                end = new ReadCursor(v.segment(), pos, seq);
            } catch (java.nio.file.NoSuchFileException acknowledgedMeanwhile) {
                // Deleted by acknowledge(): nothing in it is needed any more.
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the spool in " + dir, e);
            }
        }
        if (end != null) {
            lock.lock();
            try {
                cursor = end;
            } finally {
                lock.unlock();
            }
        }
        return out;
    }

    /** A segment and its size when a read started. */
    private record SegmentView(Segment segment, long size) {
    }


    /** The control plane holds everything up to {@code seq}: drop it from disk. */
    public void acknowledge(long seq) {
        lock.lock();
        try {
            long upTo = Math.min(seq, nextSeq - 1);
            if (upTo <= acked) {
                return;
            }
            acked = upTo;
            recent.dropUpTo(acked);
            SpoolFiles.writeAtomically(dir, dir.resolve("acked"), Long.toString(acked));
            while (!segments.isEmpty() && segments.get(0).lastSeq <= acked && segments.get(0).size > 0) {
                Segment s = segments.remove(0);
                if (segments.isEmpty() && writer != null) {
                    writer.close();
                    writer = null;
                }
                Files.deleteIfExists(s.path);
                bytes -= s.size;
            }
            if (full && bytes < settings.maxBytes() - settings.segmentBytes()) {
                full = false;
                LOG.warn("spool has room again ({} bytes unacknowledged)", bytes);
            }
            changed.signalAll();
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the acknowledgement in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an event after {@code seq} is spooled; false on timeout or close. */
    public boolean awaitAfter(long seq, Duration timeout) {
        return await(() -> nextSeq - 1 > seq, timeout);
    }

    /** Waits until everything spooled so far is acknowledged; false on timeout. */
    public boolean awaitAllAcked(Duration timeout) {
        return await(() -> acked >= nextSeq - 1, timeout);
    }

    /** Wakes threads waiting in this spool (e.g. a shipper that is stopping). */
    public void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean await(java.util.function.BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(250)));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    return condition.getAsBoolean();
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    public long ackedSeq() {
        lock.lock();
        try {
            return acked;
        } finally {
            lock.unlock();
        }
    }

    public long lastSeq() {
        lock.lock();
        try {
            return nextSeq - 1;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of unacknowledged records on disk. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            if (writer != null) {
                writer.close();
                writer = null;
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        Path ackFile = dir.resolve("acked");
        acked = Files.exists(ackFile) ? Long.parseLong(Files.readString(ackFile, StandardCharsets.UTF_8).trim()) : 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(SpoolFiles::isSegment).sorted().toList();
        }
        long expected = -1;
        boolean torn = false;
        for (Path path : files) {
            if (torn) {
                LOG.warn("dropping spool segment {} after a torn record", path);
                Files.delete(path);
                continue;
            }
            Segment s = SpoolFiles.scan(path, expected);
            torn = s.torn;
            if (s.lastSeq >= s.firstSeq) {
                expected = s.lastSeq + 1;
            }
            if (s.lastSeq <= acked && s.size > 0 || s.size == 0) {
                Files.delete(path);
            } else {
                segments.add(s);
                bytes += s.size;
            }
        }
        long last = segments.isEmpty() ? acked : segments.get(segments.size() - 1).lastSeq;
        nextSeq = Math.max(last, acked) + 1;
        if (!segments.isEmpty()) {
            Segment tail = segments.get(segments.size() - 1);
            if (tail.size < settings.segmentBytes()) {
                writer = FileChannel.open(tail.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
        }
        if (!segments.isEmpty()) {
            LOG.info("spool {}: {} unacknowledged events to re-send (seq {}..{})", dir, nextSeq - 1 - acked,
                    acked + 1, nextSeq - 1);
        }
    }





    /** Where the last read stopped, so the shipper's next read does not rescan the segment. */
    private record ReadCursor(Segment segment, long position, long seq) {
    }
}
