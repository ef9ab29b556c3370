package io.flowplane.agent.spool;

import com.codahale.metrics.MetricRegistry;
import io.flowplane.agent.connection.Backoff;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipper against a real spool and a scripted control plane: a batch read ahead while the
 * previous one was in flight is used only if the acknowledgement covered all of that one.
 */
class ShipperTest {
    @TempDir
    Path dir;

    @Test
    void aPartialAcknowledgementDiscardsTheBatchReadAheadAndResendsFromTheGap() throws Exception {
        try (Spool spool = Spool.open(dir, new Spool.Settings(1 << 20, 1 << 16, false), new MetricRegistry())) {
            for (int i = 1; i <= 10; i++) {
                spool.append(RunEvent.newBuilder().setRunId("r").setLog(LogLine.newBuilder().setMessage("m" + i)).build(), true);
            }
            List<String> sent = new CopyOnWriteArrayList<>();
            Shipper.Sender sender = batch -> {
                List<RunEvent> events = batch.getEventsList();
                long first = events.get(0).getSeq();
                long last = events.get(events.size() - 1).getSeq();
                sent.add(first + ".." + last);
                // The first batch is stored only up to seq 2 (as if the control plane saw a gap).
                return EventAck.newBuilder().setAckedSeq(sent.size() == 1 ? 2 : last).build();
            };
            Shipper shipper = new Shipper(spool, sender, new Shipper.Listener() {
                @Override
                public void acknowledged(long seq) {
                }

                @Override
                public void rejected(Rejection rejection, long leaseEpoch) {
                }
            }, new Shipper.Settings(4, 1 << 20, Duration.ZERO), new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)));
            Thread thread = new Thread(shipper, "test-shipper");
            thread.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.ackedSeq() == 10);
            } finally {
                shipper.stop();
                thread.join(5_000);
            }
            assertThat(sent).containsExactly("1..4", "3..6", "7..10");
        }
    }
}
