package io.flowplane.agent.exec;

import io.flowplane.proto.v1.LogStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How process output becomes groups of lines, whatever sizes the pipe's reads come in. */
class OutputPumpTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void linesOfOneReadTravelTogetherAndLinesSplitAcrossReadsStayWhole() {
        // Reads of 7 bytes cut lines and the 3-byte "✓" anywhere.
        String output = "first\r\nsecond ✓ line\n\nthird\nlast without newline";
        List<List<String>> groups = pump(output, 7, 1024);
        assertThat(groups.stream().flatMap(List::stream).toList())
                .containsExactly("first", "second ✓ line", "", "third", "last without newline");
        assertThat(groups).allSatisfy(g -> assertThat(g).isNotEmpty());
    }

    @Test
    void oneBigReadIsOneGroup() {
        StringBuilder output = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            output.append("line ").append(i).append('\n');
        }
        List<List<String>> groups = pump(output.toString(), 8192, 1024);
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0)).hasSize(100).startsWith("line 1").endsWith("line 100");
    }

    @Test
    void aLineLongerThanTheCapIsSplit() {
        for (int readSize : new int[]{1, 3, 4, 10, 11, 8192}) {
            List<List<String>> groups = pump("x".repeat(25) + "\nshort\n" + "y".repeat(10) + "\n" + "z".repeat(20), readSize, 10);
            assertThat(groups.stream().flatMap(List::stream).toList()).as("reads of %d bytes", readSize)
                    .containsExactly("x".repeat(10), "x".repeat(10), "x".repeat(5), "short", "y".repeat(10),
                            "z".repeat(10), "z".repeat(10));
        }
    }

    private static List<List<String>> pump(String output, int readSize, int maxLineBytes) {
        List<List<String>> groups = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, readSize));
            }
        };
        new OutputPump(in, LogStream.STDOUT, (stream, lines, at) -> {
            assertThat(at).isEqualTo(CLOCK.instant());
            groups.add(lines);
        }, CLOCK, maxLineBytes).run();
        return groups;
    }
}
