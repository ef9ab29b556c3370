package io.flowplane.controlplane.store;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.dispatch.ClaimService.ClaimRequest;
import io.flowplane.controlplane.events.EventAck;
import io.flowplane.controlplane.events.EventIngestor;
import io.flowplane.controlplane.events.LogLimits;
import io.flowplane.controlplane.events.RunEvent;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.runs.LogRetention;
import io.flowplane.controlplane.signals.InProcessSignals;
import io.flowplane.controlplane.ledger.RetryPolicies;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.SignalHooks;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.testing.Fixtures;
import io.flowplane.controlplane.testing.Fixtures.PoolWithQueue;
import io.flowplane.controlplane.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log lines as the store keeps them, in chunks of consecutive lines of a run: sequences, paging
 * across chunk boundaries, the per-run cap, retention and the line's reported time. Every test
 * runs on each database unchanged (subclasses supply it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LogStoreContractTest {

    protected record Database(DataSource dataSource, Dialect dialect) {
    }

    protected abstract Database openDatabase() throws Exception;

    protected abstract void closeDatabase() throws Exception;

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** A small cap, so tests reach it. */
    private static final LogLimits LIMITS = new LogLimits(40, 2_500);

    private Store store;
    private MutableClock clock;
    private Fixtures fixtures;
    private ClaimService claims;
    private EventIngestor ingestor;
    private long nextSeq;
    private String source;

    @BeforeAll
    void openStore() throws Exception {
        Database db = openDatabase();
        store = Store.open(db.dataSource(), db.dialect());
    }

    @AfterAll
    void closeStore() throws Exception {
        closeDatabase();
    }

    @BeforeEach
    void services() {
        clock = new MutableClock(START);
        fixtures = new Fixtures(store, clock);
        MetricRegistry metrics = new MetricRegistry();
        RunLedger ledger = new RunLedger(store, clock, new SignalHooks(new InProcessSignals()),
                new RetryPolicies(new ObjectMapper()), LEASE);
        claims = new ClaimService(store, clock, ledger.claims(), metrics);
        ingestor = new EventIngestor(store, clock, ledger, LIMITS, metrics);
        source = "agent-" + UUID.randomUUID();
        nextSeq = 1;
    }

    @Test
    void pagesFollowSequencesAcrossChunkBoundaries() {
        FlowRun run = runningRun();
        // Batches of 1,500 (a full chunk and half of one), three single lines, then 700 lines.
        send(lines(run, 1, 1500));
        send(lines(run, 1501, 1501));
        send(lines(run, 1502, 1502));
        send(lines(run, 1503, 1503));
        send(lines(run, 1504, 2203));

        assertThat(chunks(run)).containsExactly("1+1000", "1001+500", "1501+1", "1502+1", "1503+1", "1504+700");
        assertThat(logs(run, 0, 10_000)).extracting(LogLine::seq).containsExactlyElementsOf(seqs(1, 2203));
        // after= in the middle of a chunk, a page crossing into the next one.
        assertThat(logs(run, 995, 10)).extracting(LogLine::seq).containsExactlyElementsOf(seqs(996, 1005));
        assertThat(logs(run, 995, 10)).extracting(LogLine::message)
                .first().isEqualTo("line 996");
        // after= the last line of a chunk, and pages smaller than a chunk.
        assertThat(logs(run, 1000, 3)).extracting(LogLine::seq).containsExactly(1001L, 1002L, 1003L);
        assertThat(logs(run, 1499, 4)).extracting(LogLine::seq).containsExactly(1500L, 1501L, 1502L, 1503L);
        assertThat(logs(run, 2202, 10)).extracting(LogLine::seq).containsExactly(2203L);
        assertThat(logs(run, 2203, 10)).isEmpty();
        assertThat(logs(run, -5, 2)).extracting(LogLine::seq).containsExactly(1L, 2L);

        // Following with next = the last line's sequence, in pages of 7, reads every line once.
        List<LogLine> followed = new ArrayList<>();
        long after = 0;
        for (List<LogLine> page = logs(run, after, 7); !page.isEmpty(); page = logs(run, after, 7)) {
            assertThat(page.size()).isLessThanOrEqualTo(7);
            followed.addAll(page);
            after = page.get(page.size() - 1).seq();
        }
        assertThat(followed).extracting(LogLine::seq).containsExactlyElementsOf(seqs(1, 2203));
        assertThat(followed).extracting(LogLine::message).allSatisfy(m -> assertThat(m).startsWith("line "));
        assertThat(followed.get(1502).message()).isEqualTo("line 1503");
        assertThat(runRow(run).logCount()).isEqualTo(2203);
    }

    @Test
    void linesOfRunsInterleavedInOneBatchGetTheirOwnSequences() {
        FlowRun a = runningRun();
        FlowRun b = runningRun();
        List<RunEvent> batch = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            batch.add(log(a, "a" + i, null, "STDOUT", "INFO", clock.instant()));
            batch.add(log(b, "b" + i, null, "STDERR", "WARN", clock.instant()));
        }
        send(batch);

        assertThat(logs(a, 0, 100)).extracting(LogLine::seq, LogLine::message)
                .containsExactly(tuple(1, "a1"), tuple(2, "a2"), tuple(3, "a3"), tuple(4, "a4"), tuple(5, "a5"));
        assertThat(logs(b, 2, 100)).extracting(LogLine::seq, LogLine::message, LogLine::stream, LogLine::level)
                .containsExactly(tuple(3, "b3", "STDERR", "WARN"), tuple(4, "b4", "STDERR", "WARN"),
                        tuple(5, "b5", "STDERR", "WARN"));
        assertThat(chunks(a)).containsExactly("1+5");
    }

    @Test
    void everyFieldOfALineSurvivesItsChunk() {
        FlowRun run = runningRun();
        UUID task = UUID.randomUUID();
        Instant printed = clock.instant().minusSeconds(3);
        send(List.of(
                log(run, "plain", null, "STDOUT", "INFO", printed),
                log(run, "grüße ✓ 日本", task, "LOGGER", "DEBUG", printed.plusMillis(1)),
                log(run, "", task, "LOGGER", "ERROR", printed),
                log(run, "no time", null, "STDERR", "WARN", null),
                log(run, "far future", null, "STDOUT", "INFO", Instant.parse("+20000-01-01T00:00:00Z"))));

        assertThat(logs(run, 0, 10)).containsExactly(
                new LogLine(1, run.id(), null, printed, "STDOUT", "INFO", "plain"),
                new LogLine(2, run.id(), task, printed.plusMillis(1), "LOGGER", "DEBUG", "grüße ✓ 日本"),
                new LogLine(3, run.id(), task, printed, "LOGGER", "ERROR", ""),
                // Without a time (or with an implausible one) a line has the time it was stored.
                new LogLine(4, run.id(), null, clock.instant(), "STDERR", "WARN", "no time"),
                new LogLine(5, run.id(), null, clock.instant(), "STDOUT", "INFO", "far future"));
    }

    @Test
    void theLogLimitCutsInTheMiddleOfABatchAndLaterLinesAreDroppedButAcknowledged() {
        FlowRun run = runningRun();
        send(lines(run, 1, 2_000));
        // One event of 1,000 lines (an agent's group) crosses the cap (2,500): 500 lines fit, then
        // one marker line, then nothing.
        List<RunEvent.Log> group = lines(run, 2_001, 3_000).stream().map(e -> (RunEvent.Log) e.body()).toList();
        EventAck ack = send(List.of(new RunEvent(0, run.id(), run.lease().epoch(), clock.instant(),
                new RunEvent.Logs(group))));
        assertThat(ack.rejections()).isEmpty();
        assertThat(runRow(run).logCount()).isEqualTo(2_501);
        List<LogLine> tail = logs(run, 2_498, 100);
        assertThat(tail).extracting(LogLine::seq).containsExactly(2_499L, 2_500L, 2_501L);
        assertThat(tail.get(1).message()).isEqualTo("line 2500");
        assertThat(tail.get(2).message()).contains("log limit of 2500 lines reached");

        EventAck later = send(lines(run, 3_001, 3_010));
        assertThat(later.ackedSeq()).isEqualTo(nextSeq - 1);
        assertThat(runRow(run).logCount()).isEqualTo(2_501);
        assertThat(logs(run, 0, 10_000)).hasSize(2_501);
        assertThat(chunks(run)).containsExactly("1+1000", "1001+1000", "2001+501");
    }

    @Test
    void aLongLineIsTruncatedVisibly() {
        FlowRun run = runningRun();
        send(List.of(log(run, "x".repeat(50), null, "STDOUT", "INFO", null)));
        assertThat(logs(run, 0, 1).get(0).message()).isEqualTo("x".repeat(40) + " …[truncated 10 characters]");
    }

    @Test
    void retentionDeletesChunksStoredBeforeTheCutoffByTheControlPlanesClock() {
        LogRetention retention = new LogRetention(store, clock, Duration.ofDays(1));
        // Later than every other test's lines (they share the database), which go first.
        clock.advance(Duration.ofDays(100));
        retention.tick();
        FlowRun run = runningRun();
        send(lines(run, 1, 1_200));
        clock.advance(Duration.ofHours(25));
        // Agent clocks are informational: a line that claims to be ancient is kept as long as any.
        send(List.of(log(run, "line 1201", null, "STDOUT", "INFO", Instant.parse("2001-01-01T00:00:00Z"))));
        send(lines(run, 1_202, 1_210));
        FlowRun other = runningRun();
        send(lines(other, 1, 3));

        assertThat(retention.tick()).isEqualTo(1_200);
        assertThat(logs(run, 0, 10_000)).extracting(LogLine::seq).containsExactlyElementsOf(seqs(1_201, 1_210));
        assertThat(logs(run, 5, 3)).extracting(LogLine::seq).containsExactly(1_201L, 1_202L, 1_203L);
        assertThat(logs(other, 0, 10)).hasSize(3);
        assertThat(retention.tick()).isZero();

        // New lines continue the run's sequence after the gap retention left.
        send(lines(run, 1_211, 1_211));
        assertThat(logs(run, 1_210, 10)).extracting(LogLine::seq).containsExactly(1_211L);
    }

    // ---------------------------------------------------------------- helpers

    private FlowRun runningRun() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), 1);
        List<ClaimService.Claimed> claimed = claims.claim(new ClaimRequest("agent-logs", p.pool().name(), List.of(), 1)).runs();
        assertThat(claimed).hasSize(1);
        FlowRun run = claimed.get(0).run();
        send(List.of(new RunEvent(0, run.id(), run.lease().epoch(), clock.instant(),
                new RunEvent.State(StateType.RUNNING, null, null, null))));
        return runRow(run);
    }

    /** Log events whose messages are "line N" for N in from..to (the sequence they should get). */
    private List<RunEvent> lines(FlowRun run, int from, int to) {
        List<RunEvent> events = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            events.add(log(run, "line " + i, null, "STDOUT", "INFO", clock.instant()));
        }
        return events;
    }

    private RunEvent log(FlowRun run, String message, UUID task, String stream, String level, Instant at) {
        return new RunEvent(0, run.id(), run.lease().epoch(), at, new RunEvent.Log(task, stream, level, message));
    }

    /** Numbers the events with this source's next sequences and ingests them as one batch. */
    private EventAck send(List<RunEvent> events) {
        List<RunEvent> numbered = events.stream()
                .map(e -> new RunEvent(nextSeq++, e.runId(), e.leaseEpoch(), e.occurredAt(), e.body())).toList();
        EventAck ack = ingestor.ingest(source, numbered, r -> true);
        assertThat(ack.ackedSeq()).isEqualTo(nextSeq - 1);
        return ack;
    }

    private List<LogLine> logs(FlowRun run, long after, int limit) {
        return store.jdbi().withHandle(h -> LogStore.read(h, run.id(), after, limit));
    }

    /** The run's stored chunks as "firstSeq+lineCount". */
    private List<String> chunks(FlowRun run) {
        return store.jdbi().withHandle(h -> h.createQuery(
                        "SELECT first_seq, line_count FROM log_chunks WHERE run_id = :r ORDER BY first_seq")
                .bind("r", run.id()).map((rs, ctx) -> rs.getLong(1) + "+" + rs.getInt(2)).list());
    }

    private FlowRun runRow(FlowRun run) {
        return store.jdbi().withExtension(FlowRunDao.class, d -> d.find(run.id())).orElseThrow();
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        Object[] boxed = values.clone();
        for (int i = 0; i < boxed.length; i++) {
            if (boxed[i] instanceof Integer n) {
                boxed[i] = n.longValue();
            }
        }
        return org.assertj.core.groups.Tuple.tuple(boxed);
    }
}
