package io.flowplane.agent.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How process output becomes groups of lines, whatever sizes its reads come in, and where a new reader resumes. */
class LineSplitterTest {

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

    @Test
    void coveredStopsAtTheLastWholeLineSoAResumedReaderRepeatsNothing() {
        byte[] all = "one\ntwo\nthr".getBytes(StandardCharsets.UTF_8);
        LineSplitter first = new LineSplitter(1024, 0);
        assertThat(first.feed(all, all.length)).containsExactly("one", "two");
        assertThat(first.covered()).isEqualTo(8);

        // A new reader from the offset the first one reached, after more output was appended.
        byte[] rest = "three\nfour".getBytes(StandardCharsets.UTF_8);
        LineSplitter second = new LineSplitter(1024, first.covered());
        byte[] fromOffset = "three\nfour".getBytes(StandardCharsets.UTF_8);
        assertThat(second.feed(fromOffset, fromOffset.length)).containsExactly("three");
        assertThat(second.covered()).isEqualTo(8 + 6);
        assertThat(second.finish()).isEqualTo("four");
        assertThat(second.covered()).isEqualTo(8 + rest.length);
    }

    private static List<List<String>> pump(String output, int readSize, int maxLineBytes) {
        List<List<String>> groups = new ArrayList<>();
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        LineSplitter splitter = new LineSplitter(maxLineBytes, 0);
        for (int at = 0; at < bytes.length; at += readSize) {
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + readSize));
            List<String> lines = splitter.feed(chunk, chunk.length);
            if (!lines.isEmpty()) {
                groups.add(lines);
            }
        }
        String last = splitter.finish();
        if (last != null) {
            groups.add(List.of(last));
        }
        assertThat(splitter.covered()).isEqualTo(bytes.length);
        return groups;
    }
}
