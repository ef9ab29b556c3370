package io.flowplane.agent.spool;

import io.flowplane.agent.connection.Backoff;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ships the spool to the control plane: one batch in flight at a time (so events pile up into the
 * next batch while one is sent; the next batch is read from the spool meanwhile), always from the
 * first unacknowledged event, so after a cut or a
 * restart the unacknowledged tail is simply sent again; the control plane ignores duplicates.
 * A batch is dropped from the spool only when acknowledged.
 */
public final class Shipper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

    /** Sends one batch (with a deadline) and returns the control plane's acknowledgement. */
    public interface Sender {
        EventAck send(EventBatch batch);

        /** Called before a retry after a failure. */
        default void beforeRetry() {
        }
    }

    /** Told about acknowledgements and refused events (a stale lease means: stop that run). */
    public interface Listener {
        void acknowledged(long seq);

        /** {@code leaseEpoch}: the epoch the refused event was sent with (the run may hold a newer one). */
        void rejected(Rejection rejection, long leaseEpoch);
    }

    /** Batch limits and the pause that lets a burst of lines gather into one batch. */
    public record Settings(int maxEvents, long maxBytes, Duration linger) {
    }

    private final Spool spool;
    private final Sender sender;
    private final Listener listener;
    private final Settings settings;
    private final Backoff backoff;
    private final Object pause = new Object();
    private volatile boolean stopped;
    private long rejectionsSeenUpTo;
    /** When the oldest event of the batch in flight occurred (agent clock); null when all sent were acknowledged. */
    private volatile Instant oldestInFlight;

    public Shipper(Spool spool, Sender sender, Listener listener, Settings settings, Backoff backoff) {
        this.spool = spool;
        this.sender = sender;
        this.listener = listener;
        this.settings = settings;
        this.backoff = backoff;
    }

    @Override
    public void run() {
        // Reads the next batch while one is in flight, so on a busy agent reading the spool and
        // storing on the control plane overlap instead of taking turns. Never interrupted: an
        // interrupt inside the spool's file I/O closes its channel.
        ExecutorService readAhead = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flowplane-spool-read-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            ship(readAhead);
        } finally {
            readAhead.shutdown();
        }
    }

    private void ship(ExecutorService readAhead) {
        List<RunEvent> next = List.of();
        while (!stopped) {
            long acked = spool.ackedSeq();
            List<RunEvent> events;
            if (!next.isEmpty() && next.get(0).getSeq() == acked + 1) {
                events = next;
            } else {
                if (!spool.awaitAfter(acked, Duration.ofMillis(500))) {
                    continue;
                }
                if (!settings.linger().isZero() && spool.lastSeq() - acked < settings.maxEvents()) {
                    sleep(settings.linger());
                }
                events = spool.read(acked + 1, settings.maxEvents(), settings.maxBytes());
            }
            next = List.of();
            if (events.isEmpty()) {
                continue;
            }
            long lastSent = events.get(events.size() - 1).getSeq();
            Future<List<RunEvent>> ahead = spool.lastSeq() > lastSent
                    ? readAhead.submit(() -> spool.read(lastSent + 1, settings.maxEvents(), settings.maxBytes()))
                    : null;
            if (oldestInFlight == null) {
                var at = events.get(0).getOccurredAt();
                oldestInFlight = Instant.ofEpochSecond(at.getSeconds(), at.getNanos());
            }
            EventBatch batch = EventBatch.newBuilder().setSourceId(spool.sourceId()).addAllEvents(events).build();
            EventAck ack;
            try {
                ack = sender.send(batch);
            } catch (RuntimeException e) {
                Duration wait = backoff.next();
                if (backoff.failures() == 1 || backoff.failures() % 20 == 0) {
                    LOG.warn("could not ship {} events (seq {}..{}): {}; retrying in {} ms", events.size(),
                            events.get(0).getSeq(), lastSent, e.toString(), wait.toMillis());
                }
                sleep(wait);
                sender.beforeRetry();
                continue;
            }
            if (backoff.failures() > 0) {
                LOG.info("shipping events again after {} failed attempts", backoff.failures());
            }
            backoff.reset();
            for (Rejection r : ack.getRejectionsList()) {
                if (r.getSeq() > rejectionsSeenUpTo) {
                    listener.rejected(r, events.stream().filter(e -> e.getSeq() == r.getSeq())
                            .mapToLong(RunEvent::getLeaseEpoch).findFirst().orElse(-1));
                }
            }
            rejectionsSeenUpTo = Math.max(rejectionsSeenUpTo, lastSent);
            if (ack.getAckedSeq() > spool.lastSeq()) {
                LOG.error("the control plane holds seq {} for source {} but this spool only reached {}",
                        ack.getAckedSeq(), spool.sourceId(), spool.lastSeq());
            }
            spool.acknowledge(ack.getAckedSeq());
            listener.acknowledged(ack.getAckedSeq());
            // The next batch sets it again from its own first event.
            oldestInFlight = null;
            next = ahead == null ? List.of() : readAheadResult(ahead);
        }
    }

    /** The batch read ahead; on any trouble none, and the next batch is read as usual. */
    private static List<RunEvent> readAheadResult(Future<List<RunEvent>> ahead) {
        try {
            return ahead.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException e) {
            LOG.warn("reading the spool ahead failed: {}", e.getCause().toString());
            return List.of();
        }
    }

    /**
     * When the oldest unacknowledged event occurred, as far as the shipper has read it: the first
     * event of the batch being sent (or retried). Null when nothing sent is waiting for an ack.
     */
    public Instant oldestUnacknowledged() {
        return spool.lastSeq() > spool.ackedSeq() ? oldestInFlight : null;
    }

    /** Waits until every spooled event is acknowledged; false on timeout. */
    public boolean flush(Duration timeout) {
        return spool.awaitAllAcked(timeout);
    }

    public void stop() {
        stopped = true;
        spool.wakeUp();
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    private void sleep(Duration d) {
        synchronized (pause) {
            if (stopped) {
                return;
            }
            try {
                pause.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
    }
}
