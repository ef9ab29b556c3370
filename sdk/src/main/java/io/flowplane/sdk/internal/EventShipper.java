package io.flowplane.sdk.internal;

import com.google.protobuf.Timestamp;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.Rejection;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Ships events to a RunEventsService on one background thread. Producers only enqueue (never
 * block); the thread numbers events 1, 2, 3… in order, sends them in batches, and drops them only
 * once acknowledged. A failed call or an ack short of the batch re-sends from the first
 * unacknowledged event, with backoff; the receiver discards duplicates by (source, seq).
 */
final class EventShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventShipper.class);
    private static final int MAX_BATCH = 2_000;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(20);

    /** An event waiting for its sequence number: the body is built on the shipping thread. */
    record Pending(RemoteRun run, Instant at, Function<RunEvent.Builder, RunEvent.Builder> body) {
    }

    private final String sourceId;
    private final RunEventsServiceGrpc.RunEventsServiceBlockingStub stub;
    private final Clock clock;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<RunEvent> unacked = new ArrayDeque<>();
    private final Map<String, RemoteRun> runs = new ConcurrentHashMap<>();
    private final Thread thread;
    private final Object progress = new Object();
    private final java.util.concurrent.atomic.AtomicLong enqueued = new java.util.concurrent.atomic.AtomicLong();
    private volatile long acked;
    private volatile boolean closing;
    private volatile boolean stopped;
    private long nextSeq = 1;
    private long sentBatches;

    EventShipper(String sourceId, RunEventsServiceGrpc.RunEventsServiceBlockingStub stub, Clock clock) {
        this.sourceId = sourceId;
        this.stub = stub;
        this.clock = clock;
        this.thread = new Thread(this::loop, "flowplane-reporter");
        thread.setDaemon(true);
        thread.start();
    }

    void register(RemoteRun run) {
        runs.put(run.id().toString(), run);
    }

    void enqueue(RemoteRun run, Function<RunEvent.Builder, RunEvent.Builder> body) {
        enqueued.incrementAndGet();
        queue.add(new Pending(run, clock.instant(), body));
    }

    /** Waits until every enqueued event is acknowledged; false if the timeout passed first. */
    boolean flush(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (acked < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    long sentBatches() {
        return sentBatches;
    }

    private void loop() {
        Duration backoff = Duration.ofMillis(50);
        while (!stopped && !(closing && queue.isEmpty() && unacked.isEmpty())) {
            try {
                if (unacked.isEmpty()) {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    number(first);
                }
                List<Pending> more = new ArrayList<>();
                queue.drainTo(more, MAX_BATCH * 4);
                more.forEach(this::number);
                send();
                backoff = Duration.ofMillis(50);
            } catch (StatusRuntimeException e) {
                LOG.warn("reporting {} event(s) failed ({}); retrying in {} ms", unacked.size(), e.getStatus(),
                        backoff.toMillis());
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
            } catch (InterruptedException e) {
                if (closing) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("reporter failed; events stay queued for the next attempt", e);
                pause(backoff);
            }
        }
    }

    private void number(Pending p) {
        RunEvent.Builder b = RunEvent.newBuilder().setSeq(nextSeq++).setRunId(p.run().id().toString())
                .setLeaseEpoch(p.run().leaseEpoch()).setOccurredAt(Timestamp.newBuilder()
                        .setSeconds(p.at().getEpochSecond()).setNanos(p.at().getNano()));
        unacked.add(p.body().apply(b).build());
    }

    private void send() {
        while (!unacked.isEmpty()) {
            EventBatch.Builder batch = EventBatch.newBuilder().setSourceId(sourceId);
            int n = 0;
            for (RunEvent e : unacked) {
                if (n++ == MAX_BATCH) {
                    break;
                }
                batch.addEvents(e);
            }
            EventAck ack = stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .sendEvents(batch.build());
            sentBatches++;
            ack.getRejectionsList().forEach(this::rejected);
            long before = unacked.size();
            while (!unacked.isEmpty() && unacked.peekFirst().getSeq() <= ack.getAckedSeq()) {
                unacked.pollFirst();
            }
            advance(before - unacked.size());
            if (before == unacked.size()) {
                // Nothing taken (a gap on the receiver's side): back off and re-send.
                throw new StatusRuntimeException(io.grpc.Status.UNAVAILABLE.withDescription(
                        "acknowledged " + ack.getAckedSeq() + ", below our first unacknowledged event"));
            }
        }
    }

    private void advance(long count) {
        synchronized (progress) {
            acked += count;
            progress.notifyAll();
        }
    }

    private void rejected(Rejection r) {
        if (r.getReason() == Rejection.Reason.STALE_LEASE) {
            RemoteRun run = runs.get(r.getRunId());
            if (run != null && run.lost().compareAndSet(false, true)) {
                LOG.error("run {} was taken away from this process ({}); it stops starting tasks", r.getRunId(),
                        r.getMessage());
            }
        } else {
            LOG.warn("the control plane rejected event {} of run {}: {} {}", r.getSeq(), r.getRunId(), r.getReason(),
                    r.getMessage());
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String newSourceId() {
        return "sdk-" + UUID.randomUUID();
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("closing with {} event(s) not acknowledged", unacked.size() + queue.size());
        }
        stopped = true;
        thread.interrupt();
    }
}
