package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.LogLine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Cuts lines into chunks: per run, consecutive sequences, at most {@link LogChunk#MAX_LINES}
 * lines and about {@link LogChunk#MAX_BYTES} each. Lines of several runs may come interleaved
 * (a batch from an agent running several flows); each run's lines must ascend.
 */
public final class LogChunker {
    private final Instant storedAt;
    private final Map<UUID, Open> open = new LinkedHashMap<>();
    private final List<LogChunk> done = new ArrayList<>();
    /** The chunk of the previous line: lines mostly come in runs of the same flow run. */
    private Open last;

    /** A chunk being filled. */
    private static final class Open {
        final UUID run;
        final long firstSeq;
        long lastSeq;
        final LogChunkCodec.Encoder encoder = new LogChunkCodec.Encoder();

        Open(UUID run, long firstSeq) {
            this.run = run;
            this.firstSeq = firstSeq;
            this.lastSeq = firstSeq - 1;
        }
    }

    public LogChunker(Instant storedAt) {
        this.storedAt = storedAt;
    }

    public static List<LogChunk> chunks(List<LogLine> lines, Instant storedAt) {
        LogChunker chunker = new LogChunker(storedAt);
        for (LogLine line : lines) {
            chunker.add(line);
        }
        return chunker.finish();
    }

    public void add(LogLine line) {
        UUID run = line.runId();
        Open chunk = last != null && last.run.equals(run) ? last : open.get(run);
        if (chunk != null && line.seq() != chunk.lastSeq + 1) {
            if (line.seq() <= chunk.lastSeq) {
                throw new IllegalArgumentException("log line " + line.seq() + " of run " + run
                        + " does not follow line " + chunk.lastSeq);
            }
            close(chunk);
            chunk = null;
        }
        if (chunk == null) {
            chunk = new Open(run, line.seq());
            open.put(run, chunk);
        }
        chunk.encoder.add(line);
        chunk.lastSeq = line.seq();
        last = chunk;
        if (chunk.encoder.lineCount() >= LogChunk.MAX_LINES || chunk.encoder.byteSize() >= LogChunk.MAX_BYTES) {
            close(chunk);
        }
    }

    /** The chunks of every line added, each run's in sequence order. */
    public List<LogChunk> finish() {
        List.copyOf(open.values()).forEach(this::close);
        return done;
    }

    private void close(Open chunk) {
        open.remove(chunk.run);
        if (last == chunk) {
            last = null;
        }
        done.add(new LogChunk(chunk.run, chunk.firstSeq, chunk.encoder.lineCount(), storedAt, chunk.encoder.toBytes()));
    }
}
