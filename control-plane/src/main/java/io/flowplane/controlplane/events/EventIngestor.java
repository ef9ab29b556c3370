package io.flowplane.controlplane.events;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.store.EventSourceDao;
import io.flowplane.controlplane.store.GroupCommit;
import io.flowplane.controlplane.store.Store;
import org.jdbi.v3.core.JdbiException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Stores batches of reported events. A batch is applied and stored in one transaction (shared with
 * the batches that arrived at the same time: {@link GroupCommit}), and only then acknowledged: the ack is the highest sequence the source now has stored. Events at or
 * below it are duplicates and ignored; events after a gap wait for the gap to be re-sent.
 */
public final class EventIngestor {
    private final Store store;
    /** Batches from several agents at once share one commit (the store's most expensive step). */
    private final GroupCommit group;
    private final Clock clock;
    private final RunLedger ledger;
    private final LogLimits limits;
    /**
     * Sources known to have a row (rows are never deleted), so a batch does not cost an extra
     * handle and query to check it. Bounded: forgetting only costs that check again.
     */
    private final Set<String> knownSources = ConcurrentHashMap.newKeySet();
    private static final int MAX_KNOWN_SOURCES = 10_000;
    private final Timer latency;
    private final Meter persisted;
    private final java.util.Map<io.flowplane.controlplane.state.StateType, Meter> ended = new java.util.EnumMap<>(
            io.flowplane.controlplane.state.StateType.class);

    private final io.flowplane.controlplane.ops.OpsMetrics ops;

    public EventIngestor(Store store, Clock clock, RunLedger ledger, LogLimits limits, MetricRegistry metrics) {
        this(store, clock, ledger, limits, metrics, io.flowplane.controlplane.ops.OpsMetrics.NONE);
    }

    public EventIngestor(Store store, Clock clock, RunLedger ledger, LogLimits limits, MetricRegistry metrics,
                         io.flowplane.controlplane.ops.OpsMetrics ops) {
        this.ops = ops;
        this.store = store;
        this.group = new GroupCommit(store);
        this.clock = clock;
        this.ledger = ledger;
        this.limits = limits;
        this.latency = metrics.timer("flowplane.events.batch-latency");
        this.persisted = metrics.meter("flowplane.events.persisted");
        for (var type : io.flowplane.controlplane.state.StateType.values()) {
            if (type.isTerminal()) {
                ended.put(type, metrics.meter("flowplane.runs." + type.name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
    }

    /**
     * @param mayReport whether the caller may report on a run (an agent key is limited to its pools)
     */
    public EventAck ingest(String sourceId, List<RunEvent> events, Predicate<FlowRun> mayReport) {
        ensureSource(sourceId);
        int[] lines = new int[1];
        try (Timer.Context ignored = latency.time()) {
            Set<java.util.UUID> runs = new java.util.HashSet<>();
            events.forEach(e -> runs.add(e.runId()));
            EventApplier.Result result = group.submit(new GroupCommit.Work<>() {
                @Override
                public java.util.Collection<java.util.UUID> runs() {
                    return runs;
                }

                @Override
                public EventApplier.Result apply(io.flowplane.controlplane.store.UnitOfWork unit) {
                    long acked = EventSourceDao.lockOn(unit.handle(), sourceId).orElseThrow();
                    List<RunEvent> fresh = contiguousAfter(acked, events);
                    if (fresh.isEmpty()) {
                        return EventApplier.Result.nothing(acked);
                    }
                    lines[0] = logLines(fresh);
                    Instant now = clock.instant();
                    EventApplier.Result applied = new EventApplier(unit, ledger, limits, now, mayReport).apply(fresh);
                    EventSourceDao.advanceOn(unit.handle(), sourceId, applied.lastSeq(), now);
                    return applied;
                }
            });
            // The ledger's signals (runs touched, slots freed) went out with the commit.
            persisted.mark(result.applied());
            ops.eventBatch(result.applied(), lines[0]);
            result.ended().forEach(t -> ended.get(t).mark());
            return new EventAck(result.lastSeq(), result.rejections());
        }
    }

    /** Log lines carried by new events (before the per-run cap drops any). */
    private static int logLines(List<RunEvent> events) {
        int n = 0;
        for (RunEvent e : events) {
            if (e.body() instanceof RunEvent.Logs ls) {
                n += ls.lines().size();
            } else if (e.body() instanceof RunEvent.Log) {
                n++;
            }
        }
        return n;
    }

    /** The events that extend the stored sequence without a gap, in order. */
    static List<RunEvent> contiguousAfter(long acked, List<RunEvent> events) {
        List<RunEvent> sorted = new ArrayList<>(events);
        sorted.sort(java.util.Comparator.comparingLong(RunEvent::seq));
        List<RunEvent> fresh = new ArrayList<>();
        long expected = acked + 1;
        for (RunEvent e : sorted) {
            if (e.seq() < expected) {
                continue;
            }
            if (e.seq() > expected) {
                break;
            }
            fresh.add(e);
            expected++;
        }
        return fresh;
    }

    private void ensureSource(String sourceId) {
        if (knownSources.contains(sourceId)) {
            return;
        }
        if (store.withDao(EventSourceDao.class, d -> d.find(sourceId)).isPresent()) {
            remember(sourceId);
            return;
        }
        try {
            store.useDao(EventSourceDao.class, d -> d.insert(sourceId, clock.instant()));
        } catch (JdbiException e) {
            // Another batch of the same source inserted it first.
            if (store.withDao(EventSourceDao.class, d -> d.find(sourceId)).isEmpty()) {
                throw e;
            }
        }
        remember(sourceId);
    }

    private void remember(String sourceId) {
        if (knownSources.size() >= MAX_KNOWN_SOURCES) {
            knownSources.clear();
        }
        knownSources.add(sourceId);
    }

    /** The lease a report from the run's holder extends. */
    public Duration leaseDuration() {
        return ledger.leases().length();
    }
}
