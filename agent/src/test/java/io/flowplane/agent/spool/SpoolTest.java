package io.flowplane.agent.spool;

import com.codahale.metrics.MetricRegistry;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.RunEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spool on real files: numbering, acknowledgement, restart with a torn tail, the size bound. */
class SpoolTest {
    @TempDir
    Path dir;

    private static RunEvent line(String text) {
        return RunEvent.newBuilder().setRunId("r").setLeaseEpoch(1).setLog(LogLine.newBuilder().setMessage(text)).build();
    }

    private static List<String> messages(List<RunEvent> events) {
        return events.stream().map(e -> e.getLog().getMessage()).toList();
    }

    @Test
    void unacknowledgedTailSurvivesARestartAndATornRecordIsCutOff() throws Exception {
        Spool.Settings settings = new Spool.Settings(1 << 20, 4096, false);
        String source;
        try (Spool spool = Spool.open(dir, settings, new MetricRegistry())) {
            source = spool.sourceId();
            for (int i = 1; i <= 200; i++) {
                assertThat(spool.append(line("line " + i), true)).isEqualTo(i);
            }
            spool.acknowledge(150);
            assertThat(messages(spool.read(1, 1000, 1 << 20))).hasSize(50).first().isEqualTo("line 151");
        }
        // The agent died in the middle of writing a record.
        Path last;
        try (Stream<Path> files = Files.list(dir)) {
            last = files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[]{0, 0, 0, 42, 1, 2, 3}));
        }
        try (Spool spool = Spool.open(dir, settings, new MetricRegistry())) {
            assertThat(spool.sourceId()).isEqualTo(source);
            assertThat(spool.ackedSeq()).isEqualTo(150);
            assertThat(spool.lastSeq()).isEqualTo(200);
            List<RunEvent> tail = spool.read(151, 1000, 1 << 20);
            assertThat(tail).extracting(RunEvent::getSeq).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(151, 200).boxed().toList());
            assertThat(spool.append(line("after restart"), true)).isEqualTo(201);
            spool.acknowledge(201);
            assertThat(spool.bytes()).isZero();
        }
        try (Spool spool = Spool.open(dir, settings, new MetricRegistry())) {
            assertThat(spool.lastSeq()).isEqualTo(201);
            assertThat(spool.append(line("next"), true)).isEqualTo(202);
        }
    }

    @Test
    void whatIsReadFromMemoryIsWhatADiskReadGives() throws Exception {
        Spool.Settings settings = new Spool.Settings(64 << 20, 1 << 20, false);
        List<RunEvent> fromMemory;
        try (Spool spool = Spool.open(dir, settings, new MetricRegistry())) {
            // More than the spool keeps in memory (4 MiB): the oldest are read from disk.
            String text = "m".repeat(1000);
            for (int i = 1; i <= 6000; i++) {
                spool.append(line(i + " " + text), true);
            }
            List<RunEvent> oldest = spool.read(1, 10, 1 << 20);
            assertThat(oldest).extracting(RunEvent::getSeq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            spool.acknowledge(5_000);
            fromMemory = spool.read(5_001, 10_000, 64 << 20);
            assertThat(fromMemory).hasSize(1000);
            assertThat(spool.read(5_990, 3, 1 << 20)).extracting(RunEvent::getSeq).containsExactly(5_990L, 5_991L, 5_992L);
            assertThat(spool.read(6_001, 10, 1 << 20)).isEmpty();
        }
        try (Spool spool = Spool.open(dir, settings, new MetricRegistry())) {
            assertThat(spool.read(5_001, 10_000, 64 << 20)).isEqualTo(fromMemory);
        }
    }

    @Test
    void recentEventsForgetTheOldestPastTheirBoundAndStartOverAfterAGap() {
        RecentEvents recent = new RecentEvents(100);
        for (long seq = 1; seq <= 5; seq++) {
            recent.add(line("e" + seq).toBuilder().setSeq(seq).build(), 30);
        }
        // 5 x 30 bytes > 100: only the newest three (90 bytes) are kept.
        assertThat(recent.holds(2)).isFalse();
        assertThat(recent.holds(3)).isTrue();
        assertThat(messages(recent.read(3, 10, 1000))).containsExactly("e3", "e4", "e5");
        assertThat(messages(recent.read(4, 1, 1000))).containsExactly("e4");
        assertThat(messages(recent.read(3, 10, 31))).containsExactly("e3", "e4");
        recent.dropUpTo(4);
        assertThat(recent.holds(4)).isFalse();
        assertThat(recent.holds(5)).isTrue();
        recent.add(line("e9").toBuilder().setSeq(9).build(), 30);
        assertThat(recent.holds(5)).isFalse();
        assertThat(messages(recent.read(9, 10, 1000))).containsExactly("e9");
    }

    @Test
    void reachingTheBoundIsCountedAndAppendsWaitForAcknowledgements() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        try (Spool spool = Spool.open(dir, new Spool.Settings(2048, 512, true), metrics)) {
            int appended = 0;
            try {
                while (true) {
                    spool.append(line("x".repeat(50)), false);
                    appended++;
                }
            } catch (Spool.FullException expected) {
                assertThat(appended).isGreaterThan(10);
            }
            assertThat(metrics.counter("flowplane.agent.spool.full").getCount()).isEqualTo(1);
            assertThat(spool.bytes()).isLessThanOrEqualTo(2048);

            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return spool.append(line("w".repeat(50)), true);
                } catch (Spool.FullException e) {
                    throw new IllegalStateException(e);
                }
            });
            // A full spool holds the append back until room is acknowledged.
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(200))
                    .atMost(java.time.Duration.ofSeconds(1)).until(() -> !waiting.isDone());
            spool.acknowledge(appended);
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(appended + 1L);
            assertThat(messages(spool.read(1, 10, 1 << 20))).containsExactly("w".repeat(50));
        }
    }

    @Test
    void anEventLargerThanTheBoundIsRefused() throws IOException {
        try (Spool spool = Spool.open(dir, new Spool.Settings(1024, 512, false), new MetricRegistry())) {
            assertThatThrownBy(() -> spool.append(line("y".repeat(2000)), true)).isInstanceOf(IllegalArgumentException.class);
            assertThat(spool.awaitAllAcked(Duration.ZERO)).isTrue();
        }
    }
}
