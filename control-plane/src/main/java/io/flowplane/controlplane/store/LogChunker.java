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
    private final Map<UUID, LogChunkCodec.Encoder> open = new LinkedHashMap<>();
    private final Map<UUID, Long> firstSeq = new LinkedHashMap<>();
    private final Map<UUID, Long> lastSeq = new LinkedHashMap<>();
    private final List<LogChunk> done = new ArrayList<>();

    public LogChunker(Instant storedAt) {
        this.storedAt = storedAt;
    }

    public static List<LogChunk> chunks(List<LogLine> lines, Instant storedAt) {
        LogChunker chunker = new LogChunker(storedAt);
        lines.forEach(chunker::add);
        return chunker.finish();
    }

    public void add(LogLine line) {
        UUID run = line.runId();
        LogChunkCodec.Encoder encoder = open.get(run);
        if (encoder != null && line.seq() != lastSeq.get(run) + 1) {
            if (line.seq() <= lastSeq.get(run)) {
                throw new IllegalArgumentException("log line " + line.seq() + " of run " + run
                        + " does not follow line " + lastSeq.get(run));
            }
            close(run);
            encoder = null;
        }
        if (encoder == null) {
            encoder = new LogChunkCodec.Encoder();
            open.put(run, encoder);
            firstSeq.put(run, line.seq());
        }
        encoder.add(line);
        lastSeq.put(run, line.seq());
        if (encoder.lineCount() >= LogChunk.MAX_LINES || encoder.byteSize() >= LogChunk.MAX_BYTES) {
            close(run);
        }
    }

    /** The chunks of every line added, each run's in sequence order. */
    public List<LogChunk> finish() {
        List.copyOf(open.keySet()).forEach(this::close);
        return done;
    }

    private void close(UUID run) {
        LogChunkCodec.Encoder encoder = open.remove(run);
        if (encoder != null) {
            done.add(new LogChunk(run, firstSeq.get(run), encoder.lineCount(), storedAt, encoder.toBytes()));
        }
    }
}
