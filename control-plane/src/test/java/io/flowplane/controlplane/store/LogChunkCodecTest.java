package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.LogLine;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chunk encoding and how lines are cut into chunks. */
class LogChunkCodecTest {
    private static final UUID RUN = UUID.randomUUID();
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00.123Z");

    @Test
    void linesRoundTripWithEveryFieldChangingOrNot() {
        UUID task = UUID.randomUUID();
        List<LogLine> lines = List.of(
                line(7, null, AT, "STDOUT", "INFO", "first"),
                line(8, null, AT, "STDOUT", "INFO", "same fields as before"),
                line(9, task, AT.minusSeconds(3600), "LOGGER", "DEBUG", "time went back ✓ 日本 🎉"),
                line(10, task, AT.plusMillis(1), "LOGGER", "ERROR", ""),
                line(11, null, Instant.EPOCH, "STDERR", "WARN", "x".repeat(20_000)));
        List<LogChunk> chunks = LogChunker.chunks(lines, AT);
        assertThat(chunks).hasSize(1);
        LogChunk chunk = chunks.get(0);
        assertThat(chunk.firstSeq()).isEqualTo(7);
        assertThat(chunk.lineCount()).isEqualTo(5);
        assertThat(chunk.lastSeq()).isEqualTo(11);
        assertThat(chunk.storedAt()).isEqualTo(AT);

        assertThat(LogChunkCodec.decode(chunk, 0, 100)).isEqualTo(lines);
        assertThat(LogChunkCodec.decode(chunk, 8, 2)).isEqualTo(lines.subList(2, 4));
        assertThat(LogChunkCodec.decode(chunk, 11, 100)).isEmpty();
    }

    @Test
    void repeatedFieldsCostAlmostNothing() {
        List<LogLine> lines = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            lines.add(line(i, null, AT, "STDOUT", "INFO", "0123456789"));
        }
        // Per line: a flags byte, a length byte and the 10 message bytes.
        assertThat(LogChunker.chunks(lines, AT).get(0).lines()).hasSizeLessThanOrEqualTo(1 + 20 + 100 * 12);
    }

    @Test
    void chunksAreCutPerRunByLinesBytesAndGaps() {
        UUID other = UUID.randomUUID();
        List<LogLine> lines = new ArrayList<>();
        for (int i = 1; i <= LogChunk.MAX_LINES + 5; i++) {
            lines.add(line(i, null, AT, "STDOUT", "INFO", "m" + i));
            if (i <= 2) {
                lines.add(new LogLine(i, other, null, AT, "STDOUT", "INFO", "o" + i));
            }
        }
        lines.add(line(LogChunk.MAX_LINES + 10, null, AT, "STDOUT", "INFO", "after a gap"));
        String big = "y".repeat(100_000);
        for (int i = 1; i <= 4; i++) {
            lines.add(new LogLine(100 + i, UUID.nameUUIDFromBytes(new byte[]{1}), null, AT, "STDOUT", "INFO", big));
        }

        List<String> cut = LogChunker.chunks(lines, AT).stream()
                .map(c -> (c.runId().equals(RUN) ? "run" : c.runId().equals(other) ? "other" : "big")
                        + ":" + c.firstSeq() + "+" + c.lineCount()).toList();
        assertThat(cut).containsExactlyInAnyOrder("run:1+1000", "run:1001+5", "run:1010+1", "other:1+2",
                "big:101+3", "big:104+1");
    }

    @Test
    void aRunsLinesMustAscend() {
        assertThatThrownBy(() -> LogChunker.chunks(List.of(line(5, null, AT, "STDOUT", "INFO", "a"),
                line(5, null, AT, "STDOUT", "INFO", "b")), AT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownFormatVersionIsRefusedNotMisread() {
        LogChunk chunk = LogChunker.chunks(List.of(line(1, null, AT, "STDOUT", "INFO", "a")), AT).get(0);
        chunk.lines()[0] = 99;
        assertThatThrownBy(() -> LogChunkCodec.decode(chunk, 0, 1)).hasMessageContaining("format version 99");
    }

    private static LogLine line(long seq, UUID task, Instant at, String stream, String level, String message) {
        return new LogLine(seq, RUN, task, at, stream, level, message);
    }
}
