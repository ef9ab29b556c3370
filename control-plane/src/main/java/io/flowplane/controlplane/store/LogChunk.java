package io.flowplane.controlplane.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored row of log lines: lines {@code firstSeq .. firstSeq + lineCount - 1} of a run,
 * encoded by {@link LogChunkCodec}. {@code storedAt} is the control plane's clock when they were
 * stored; retention goes by it.
 */
public record LogChunk(UUID runId, long firstSeq, int lineCount, Instant storedAt, byte[] lines) {
    /**
     * At most this many lines per chunk. Readers rely on it to find the chunk holding a given
     * sequence with an index range ({@code first_seq > seq - MAX_LINES}): every chunk ever
     * written, including converted ones, must respect it, so it may be lowered but never raised
     * without rewriting stored chunks.
     */
    public static final int MAX_LINES = 1000;
    /** A chunk is closed once its encoding reaches this size, so one read never loads much more. */
    public static final int MAX_BYTES = 256 * 1024;

    public long lastSeq() {
        return firstSeq + lineCount - 1;
    }
}
