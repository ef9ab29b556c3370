package io.flowplane.controlplane.store;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.dispatch.ClaimService.ClaimRequest;
import io.flowplane.controlplane.dispatch.ClaimService.ClaimResult;
import io.flowplane.controlplane.events.EventAck;
import io.flowplane.controlplane.events.EventIngestor;
import io.flowplane.controlplane.events.LogLimits;
import io.flowplane.controlplane.events.RunEvent;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.LogLine;
import io.flowplane.controlplane.model.RunStateRecord;
import io.flowplane.controlplane.model.WorkQueue;
import io.flowplane.controlplane.signals.InProcessSignals;
import io.flowplane.controlplane.ledger.RetryPolicies;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.SignalHooks;
import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.IllegalTransitionException;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's behaviour that must hold on every database it supports: claims (exactly once,
 * limits, priorities, due times), event ingestion, and user transitions. Each subclass supplies a
 * database; every test here runs on each of them unchanged.
 *
 * <p>One database serves a whole test class. Tests stay independent because every fixture lives in
 * a pool (and deployment, and event source) of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContractTest {

    /** A database for one test class. */
    protected record Database(DataSource dataSource, Dialect dialect) {
    }

    /** Creates an empty database; called once per test class. */
    protected abstract Database openDatabase() throws Exception;

    /** Releases what {@link #openDatabase()} created; called once per test class. */
    protected abstract void closeDatabase() throws Exception;

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private Store store;
    private MutableClock clock;
    private Fixtures fixtures;
    private ClaimService claims;
    private RunLedger writer;
    private EventIngestor ingestor;
    private final List<UUID> poolSignals = new CopyOnWriteArrayList<>();

    @BeforeAll
    void openStore() throws Exception {
        Database db = openDatabase();
        store = Store.open(db.dataSource(), db.dialect());
        assertThat(store.dialect()).isEqualTo(db.dialect());
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
        Signals signals = new InProcessSignals();
        poolSignals.clear();
        signals.subscribe(new Signals.Listener() {
            @Override
            public void poolChanged(UUID poolId) {
                poolSignals.add(poolId);
            }
        });
        writer = new RunLedger(store, clock, new SignalHooks(signals), new RetryPolicies(new ObjectMapper()), LEASE);
        claims = new ClaimService(store, clock, writer.claims(), metrics);
        ingestor = new EventIngestor(store, clock, writer, LogLimits.DEFAULT, metrics);
    }

    // ---------------------------------------------------------------- claims

    @Test
    void concurrentClaimsTakeEveryRunExactlyOnce() throws Exception {
        int total = 1_200;
        int threads = 6;
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), total);

        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        Map<String, Future<List<FlowRun>>> byAgent = new HashMap<>();
        try {
            for (int i = 0; i < threads; i++) {
                String agent = "agent-" + i;
                Callable<List<FlowRun>> worker = () -> {
                    go.await();
                    List<FlowRun> mine = new ArrayList<>();
                    while (true) {
                        ClaimResult result = claims.claim(new ClaimRequest(agent, p.pool().name(), List.of(), 25));
                        assertThat(result.poolId()).isEqualTo(p.pool().id());
                        assertThat(result.runs()).hasSizeLessThanOrEqualTo(25);
                        if (result.runs().isEmpty()) {
                            return mine;
                        }
                        result.runs().forEach(c -> mine.add(c.run()));
                    }
                };
                byAgent.put(agent, executor.submit(worker));
            }
            go.countDown();
            Map<UUID, String> claimedBy = new HashMap<>();
            List<UUID> all = new ArrayList<>();
            for (Map.Entry<String, Future<List<FlowRun>>> e : byAgent.entrySet()) {
                // Never cancel or interrupt these threads: an interrupt inside H2's file I/O
                // closes the database. A timeout just fails the test.
                for (FlowRun run : e.getValue().get(60, TimeUnit.SECONDS)) {
                    assertThat(run.state().type()).isEqualTo(StateType.PENDING);
                    assertThat(run.lease().agentId()).isEqualTo(e.getKey());
                    assertThat(run.lease().epoch()).isEqualTo(1);
                    assertThat(run.lease().expiresAt()).isEqualTo(START.plus(LEASE));
                    all.add(run.id());
                    claimedBy.put(run.id(), e.getKey());
                }
            }
            assertThat(all).doesNotHaveDuplicates().hasSize(total);

            List<RunRow> rows = runRows(p.pool().id());
            assertThat(rows).hasSize(total);
            for (RunRow row : rows) {
                assertThat(row.stateType()).as("run %s", row.id()).isEqualTo("PENDING");
                assertThat(row.leaseEpoch()).as("run %s", row.id()).isEqualTo(1);
                assertThat(row.agentId()).as("run %s", row.id()).isEqualTo(claimedBy.get(row.id()));
                assertThat(row.pendingHistory()).as("run %s", row.id()).isEqualTo(1);
                assertThat(row.history()).as("run %s", row.id()).isEqualTo(1);
            }
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void concurrentClaimsNeverExceedPoolAndDeploymentLimits() throws Exception {
        int threads = 6;
        PoolWithQueue p = fixtures.pool(7);
        Deployment limited = fixtures.deployment(p.queue(), 2);
        Deployment open = fixtures.deployment(p.queue(), null);
        Set<UUID> limitedRuns = ids(fixtures.scheduledRuns(p.queue(), limited, 40, START.minusSeconds(60)));
        fixtures.scheduledRuns(p.queue(), open, 40, START);

        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<FlowRun>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                String agent = "agent-" + i;
                futures.add(executor.submit(() -> {
                    go.await();
                    List<FlowRun> mine = new ArrayList<>();
                    while (true) {
                        List<ClaimService.Claimed> got =
                                claims.claim(new ClaimRequest(agent, p.pool().name(), List.of(), 2)).runs();
                        if (got.isEmpty()) {
                            return mine;
                        }
                        got.forEach(c -> mine.add(c.run()));
                    }
                }));
            }
            go.countDown();
            List<FlowRun> all = new ArrayList<>();
            for (Future<List<FlowRun>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(ids(all)).hasSize(all.size());
            assertThat(all).hasSize(7);
            assertThat(all).filteredOn(r -> limitedRuns.contains(r.id())).hasSize(2);
            assertThat(activeRuns(p.pool().id())).isEqualTo(7);
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void claimNeverReturnsMoreThanAsked() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), 30);

        assertThat(claim(p, 7)).hasSize(7);
        assertThat(claim(p, 1)).hasSize(1);
        assertThat(claim(p, 0)).isEmpty();
        assertThat(claim(p, -3)).isEmpty();
        assertThat(claim(p, 100)).hasSize(22);
        assertThat(claim(p, 100)).isEmpty();
        assertThat(activeRuns(p.pool().id())).isEqualTo(30);
    }

    @Test
    void pausedPoolYieldsNothing() {
        PoolWithQueue p = fixtures.pool();
        List<FlowRun> runs = fixtures.scheduledRuns(p.queue(), 5);
        fixtures.pausePool(p.pool());

        ClaimResult result = claims.claim(new ClaimRequest("agent-1", p.pool().name(), List.of(), 10));

        assertThat(result.poolId()).isEqualTo(p.pool().id());
        assertThat(result.runs()).isEmpty();
        runs.forEach(r -> assertThat(run(r.id()).state().type()).isEqualTo(StateType.SCHEDULED));
        runs.forEach(r -> assertThat(history(r.id())).isEmpty());
    }

    @Test
    void unknownPoolIsNotFound() {
        assertThatThrownBy(() -> claims.claim(new ClaimRequest("agent-1", "no-such-pool", List.of(), 10)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-pool");
    }

    @Test
    void adHocRunsWithoutDeploymentAreClaimed() {
        PoolWithQueue p = fixtures.pool();
        Set<UUID> adHoc = ids(fixtures.adHocRuns(p.queue(), 2));
        Set<UUID> deployed = ids(fixtures.scheduledRuns(p.queue(), 2));

        ClaimResult result = claims.claim(new ClaimRequest("agent-1", p.pool().name(), List.of(), 10));

        assertThat(result.runs()).hasSize(4);
        assertThat(result.runs()).filteredOn(c -> adHoc.contains(c.run().id())).hasSize(2)
                .allSatisfy(c -> assertThat(c.deployment()).isNull());
        assertThat(result.runs()).filteredOn(c -> deployed.contains(c.run().id())).hasSize(2)
                .allSatisfy(c -> assertThat(c.deployment()).isNotNull());
        // Only ad-hoc runs in one claim: no deployment to look up at all.
        Set<UUID> more = ids(fixtures.adHocRuns(p.queue(), 3));
        List<FlowRun> second = claim(p, 10);
        assertThat(ids(second)).isEqualTo(more);
    }

    @Test
    void higherPriorityQueueIsServedFirst() {
        PoolWithQueue p = fixtures.pool();
        WorkQueue first = p.queue(); // priority 1
        WorkQueue second = fixtures.queue(p.pool(), "second", 2, null);
        // The second queue's runs are due earlier: priority still wins over due time.
        Set<UUID> secondRuns = ids(fixtures.scheduledRuns(second, fixtures.deployment(second, null), 5,
                START.minus(Duration.ofHours(1))));
        Set<UUID> firstRuns = ids(fixtures.scheduledRuns(first, fixtures.deployment(first, null), 4, START));

        List<FlowRun> a = claim(p, 3);
        assertThat(ids(a)).hasSize(3).isSubsetOf(firstRuns);

        // A claim larger than the first queue's remainder spills over into the second.
        List<FlowRun> b = claim(p, 3);
        assertThat(b).hasSize(3);
        assertThat(b.stream().filter(r -> firstRuns.contains(r.id()))).hasSize(1);
        assertThat(b.stream().filter(r -> secondRuns.contains(r.id()))).hasSize(2);
        assertThat(claim(p, 10)).hasSize(3);
    }

    @Test
    void claimRestrictedToNamedQueuesTakesOnlyFromThem() {
        PoolWithQueue p = fixtures.pool();
        WorkQueue second = fixtures.queue(p.pool(), "second", 2, null);
        Set<UUID> firstRuns = ids(fixtures.scheduledRuns(p.queue(), 4));
        Set<UUID> secondRuns = ids(fixtures.scheduledRuns(second, 4));

        ClaimResult onlySecond = claims.claim(new ClaimRequest("agent-1", p.pool().name(), List.of("second"), 10));
        assertThat(onlySecond.runs()).hasSize(4);
        assertThat(onlySecond.runs()).allSatisfy(c -> assertThat(secondRuns).contains(c.run().id()));
        firstRuns.forEach(id -> assertThat(run(id).state().type()).isEqualTo(StateType.SCHEDULED));

        ClaimResult unknownQueue = claims.claim(new ClaimRequest("agent-1", p.pool().name(), List.of("nope"), 10));
        assertThat(unknownQueue.runs()).isEmpty();
    }

    @Test
    void pausedQueueIsSkipped() {
        PoolWithQueue p = fixtures.pool();
        WorkQueue second = fixtures.queue(p.pool(), "second", 2, null);
        Set<UUID> firstRuns = ids(fixtures.scheduledRuns(p.queue(), 3));
        Set<UUID> secondRuns = ids(fixtures.scheduledRuns(second, 3));
        fixtures.pauseQueue(p.queue());

        assertThat(ids(claim(p, 10))).isEqualTo(secondRuns);
        assertThat(claims.claim(new ClaimRequest("agent-1", p.pool().name(), List.of(WorkQueue.DEFAULT), 10)).runs())
                .isEmpty();
        firstRuns.forEach(id -> assertThat(run(id).state().type()).isEqualTo(StateType.SCHEDULED));
    }

    @Test
    void poolConcurrencyLimitHoldsAcrossClaims() {
        PoolWithQueue p = fixtures.pool(3);
        fixtures.scheduledRuns(p.queue(), 10);

        assertThat(claim(p, 2)).hasSize(2);
        List<FlowRun> second = claim(p, 5);
        assertThat(second).hasSize(1);
        assertThat(claim(p, 5)).isEmpty();
        assertThat(activeRuns(p.pool().id())).isEqualTo(3);

        complete(second.get(0));
        assertThat(activeRuns(p.pool().id())).isEqualTo(2);
        assertThat(claim(p, 5)).hasSize(1);
        assertThat(claim(p, 5)).isEmpty();
        assertThat(activeRuns(p.pool().id())).isEqualTo(3);
    }

    @Test
    void queueConcurrencyLimitHoldsAcrossClaims() {
        PoolWithQueue p = fixtures.pool();
        WorkQueue limited = fixtures.queue(p.pool(), "limited", 2, 2);
        Set<UUID> free = ids(fixtures.scheduledRuns(p.queue(), 3));
        Set<UUID> capped = ids(fixtures.scheduledRuns(limited, 5));

        List<FlowRun> first = claim(p, 10);
        assertThat(first).hasSize(5);
        assertThat(first.stream().filter(r -> free.contains(r.id()))).hasSize(3);
        List<FlowRun> fromLimited = first.stream().filter(r -> capped.contains(r.id())).toList();
        assertThat(fromLimited).hasSize(2);
        assertThat(claim(p, 10)).isEmpty();

        complete(fromLimited.get(0));
        List<FlowRun> next = claim(p, 10);
        assertThat(next).hasSize(1);
        assertThat(capped).contains(next.get(0).id());
        assertThat(claim(p, 10)).isEmpty();
    }

    @Test
    void deploymentConcurrencyLimitHoldsWithinAndAcrossClaims() {
        PoolWithQueue p = fixtures.pool();
        Deployment limited = fixtures.deployment(p.queue(), 1);
        Deployment open = fixtures.deployment(p.queue(), null);
        // The limited deployment's runs are due first, so the claim meets them first.
        Set<UUID> limitedRuns = ids(fixtures.scheduledRuns(p.queue(), limited, 5, START.minusSeconds(60)));
        Set<UUID> openRuns = ids(fixtures.scheduledRuns(p.queue(), open, 5, START));

        ClaimResult result = claims.claim(new ClaimRequest("agent-1", p.pool().name(), List.of(), 10));
        List<FlowRun> first = result.runs().stream().map(ClaimService.Claimed::run).toList();
        assertThat(first).hasSize(6);
        List<FlowRun> ofLimited = first.stream().filter(r -> limitedRuns.contains(r.id())).toList();
        assertThat(ofLimited).hasSize(1);
        assertThat(first.stream().filter(r -> openRuns.contains(r.id()))).hasSize(5);
        assertThat(result.runs()).allSatisfy(c -> assertThat(c.deployment()).isNotNull()
                .extracting(Deployment::id).isEqualTo(c.run().origin().deploymentId()));

        // Saturated: the next claim excludes the deployment in its query.
        assertThat(claim(p, 10)).isEmpty();

        complete(ofLimited.get(0));
        List<FlowRun> next = claim(p, 10);
        assertThat(next).hasSize(1);
        assertThat(limitedRuns).contains(next.get(0).id());
        assertThat(claim(p, 10)).isEmpty();
    }

    @Test
    void batchedClaimServesRequestsInOrderWithinSharedLimits() {
        PoolWithQueue p = fixtures.pool(5);
        Deployment limited = fixtures.deployment(p.queue(), 1);
        Set<UUID> limitedRuns = ids(fixtures.scheduledRuns(p.queue(), limited, 3, START.minusSeconds(60)));
        fixtures.scheduledRuns(p.queue(), fixtures.deployment(p.queue(), null), 10, START);

        ClaimService.Batch batch = claims.claimAll(p.pool().name(), List.of(
                new ClaimRequest("agent-a", p.pool().name(), List.of(), 2),
                new ClaimRequest("agent-b", p.pool().name(), List.of(), 2),
                new ClaimRequest("agent-a", p.pool().name(), List.of(), 4)));

        assertThat(batch.poolId()).isEqualTo(p.pool().id());
        List<List<FlowRun>> got = batch.runs().stream()
                .map(l -> l.stream().map(ClaimService.Claimed::run).toList()).toList();
        // The pool's limit of 5 is shared: the first two requests are filled, the third gets the rest.
        assertThat(got).extracting(List::size).containsExactly(2, 2, 1);
        List<FlowRun> all = got.stream().flatMap(List::stream).toList();
        assertThat(ids(all)).hasSize(5);
        // The deployment's limit of 1 holds across the requests of one batch.
        assertThat(all).filteredOn(r -> limitedRuns.contains(r.id())).hasSize(1);
        assertThat(got.get(0)).allSatisfy(r -> assertThat(r.lease().agentId()).isEqualTo("agent-a"));
        assertThat(got.get(1)).allSatisfy(r -> assertThat(r.lease().agentId()).isEqualTo("agent-b"));
        assertThat(got.get(2)).allSatisfy(r -> assertThat(r.lease().agentId()).isEqualTo("agent-a"));
        all.forEach(r -> assertThat(historyTypes(r.id())).containsOnlyOnce(StateType.PENDING).endsWith(StateType.PENDING));
        assertThat(activeRuns(p.pool().id())).isEqualTo(5);
        assertThat(claim(p, 10)).isEmpty();
    }

    @Test
    void batchedClaimKeepsEachRequestsQueuesAndQueueLimits() {
        PoolWithQueue p = fixtures.pool();
        WorkQueue second = fixtures.queue(p.pool(), "second", 2, 2);
        Set<UUID> firstRuns = ids(fixtures.scheduledRuns(p.queue(), 3));
        Set<UUID> secondRuns = ids(fixtures.scheduledRuns(second, 5));

        ClaimService.Batch batch = claims.claimAll(p.pool().name(), List.of(
                new ClaimRequest("agent-a", p.pool().name(), List.of("second"), 10),
                new ClaimRequest("agent-b", p.pool().name(), List.of(), 10),
                new ClaimRequest("agent-c", p.pool().name(), List.of(WorkQueue.DEFAULT), 10)));

        List<Set<UUID>> got = batch.runs().stream()
                .map(l -> l.stream().map(c -> c.run().id()).collect(java.util.stream.Collectors.toSet())).toList();
        // "second" allows 2 at a time, whichever request takes them; the default queue has no limit.
        assertThat(got.get(0)).hasSize(2).isSubsetOf(secondRuns);
        assertThat(got.get(1)).isEqualTo(firstRuns);
        assertThat(got.get(2)).isEmpty();
    }

    @Test
    void heldPollsShareABurstOfRunsAndAreEachAnsweredOnce() throws Exception {
        PoolWithQueue p = fixtures.pool();
        var timers = Executors.newScheduledThreadPool(1);
        ExecutorService claimers = Executors.newFixedThreadPool(2);
        try {
            var dispatcher = new io.flowplane.controlplane.dispatch.Dispatcher(claims, clock, timers, claimers);
            Map<Integer, List<List<ClaimService.Claimed>>> answers = new java.util.concurrent.ConcurrentHashMap<>();
            for (int i = 0; i < 8; i++) {
                int poll = i;
                dispatcher.poll(new ClaimRequest("agent-" + (i % 3), p.pool().name(), List.of(), 3),
                        Duration.ofSeconds(2),
                        runs -> answers.computeIfAbsent(poll, k -> new CopyOnWriteArrayList<>()).add(runs));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> dispatcher.waitingPolls() == 8);

            Set<UUID> created = ids(fixtures.scheduledRuns(p.queue(), 20));
            dispatcher.poolChanged(p.pool().id());

            // 8 polls of 3 slots share 20 runs: every run goes to exactly one poll; the polls
            // left with nothing are answered empty when their wait passes. Nobody is answered twice.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 8);
            assertThat(answers.values()).allSatisfy(a -> assertThat(a).hasSize(1));
            List<UUID> claimedIds = answers.values().stream().flatMap(a -> a.get(0).stream())
                    .map(c -> c.run().id()).toList();
            assertThat(claimedIds).hasSize(20).doesNotHaveDuplicates();
            assertThat(Set.copyOf(claimedIds)).isEqualTo(created);
            assertThat(answers.values()).allSatisfy(a -> assertThat(a.get(0).size()).isLessThanOrEqualTo(3));
            assertThat(dispatcher.waitingPolls()).isZero();
        } finally {
            timers.shutdownNow();
            claimers.shutdownNow();
        }
    }

    @Test
    void aHeldPollIsWokenWhenItsRunFallsDueWithNoOtherSignal() throws Exception {
        PoolWithQueue p = fixtures.pool();
        var timers = Executors.newScheduledThreadPool(1);
        ExecutorService claimers = Executors.newFixedThreadPool(2);
        try {
            java.time.Clock real = java.time.Clock.systemUTC();
            var dispatcher = new io.flowplane.controlplane.dispatch.Dispatcher(
                    new ClaimService(store, real, new RunLedger(store, real, new SignalHooks(new InProcessSignals()),
                            new RetryPolicies(new ObjectMapper()), LEASE).claims(), new MetricRegistry()),
                    real, timers, claimers);
            List<List<ClaimService.Claimed>> answers = new CopyOnWriteArrayList<>();
            // Due in a moment: nothing signals the pool, only the dispatcher's own due timer can wake the poll.
            Set<UUID> due = ids(fixtures.scheduledRuns(p.queue(), fixtures.deployment(p.queue(), null), 1,
                    real.instant().plusMillis(400)));
            dispatcher.poll(new ClaimRequest("agent-1", p.pool().name(), List.of(), 2), Duration.ofSeconds(20), answers::add);

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !answers.isEmpty());
            assertThat(answers).hasSize(1);
            assertThat(answers.get(0)).extracting(c -> c.run().id()).containsExactlyElementsOf(due);
        } finally {
            timers.shutdownNow();
            claimers.shutdownNow();
        }
    }

    @Test
    void runsAreClaimedOnlyOnceDueAndEarliestFirst() {
        PoolWithQueue p = fixtures.pool();
        Deployment d = fixtures.deployment(p.queue(), null);
        FlowRun later = one(fixtures.scheduledRuns(p.queue(), d, 1, START.minus(Duration.ofMinutes(1))));
        FlowRun earliest = one(fixtures.scheduledRuns(p.queue(), d, 1, START.minus(Duration.ofMinutes(2))));
        FlowRun in5 = one(fixtures.scheduledRuns(p.queue(), d, 1, START.plus(Duration.ofMinutes(5))));
        FlowRun in10 = one(fixtures.scheduledRuns(p.queue(), d, 1, START.plus(Duration.ofMinutes(10))));

        assertThat(ids(claim(p, 1))).containsExactly(earliest.id());
        assertThat(ids(claim(p, 10))).containsExactly(later.id());
        assertThat(claim(p, 10)).isEmpty();

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(claim(p, 10)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(ids(claim(p, 10))).containsExactly(in5.id());
        assertThat(run(in10.id()).state().type()).isEqualTo(StateType.SCHEDULED);

        clock.advance(Duration.ofMinutes(5));
        List<FlowRun> last = claim(p, 10);
        assertThat(ids(last)).containsExactly(in10.id());
        assertThat(last.get(0).lease().expiresAt()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(last.get(0).state().at()).isEqualTo(clock.instant());
        assertThat(last.get(0).nextAt()).isNull();
    }

    // ---------------------------------------------------------------- event ingestion

    @Test
    void reportedEventsAreAppliedOnceInOrder() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), 1);
        FlowRun claimed = one(claim(p, 1));
        long epoch = claimed.lease().epoch();
        assertThat(epoch).isEqualTo(1);
        String source = source();

        clock.advance(Duration.ofSeconds(1));
        List<RunEvent> batch = List.of(
                state(1, claimed, epoch, StateType.RUNNING),
                log(2, claimed, epoch, "line 1"),
                log(3, claimed, epoch, "line 2"),
                log(4, claimed, epoch, "line 3"),
                state(5, claimed, epoch, StateType.COMPLETED));
        EventAck ack = ingestor.ingest(source, batch, r -> true);

        assertThat(ack.ackedSeq()).isEqualTo(5);
        assertThat(ack.rejections()).isEmpty();
        assertThat(ackedSeq(source)).isEqualTo(5);
        FlowRun done = run(claimed.id());
        assertThat(done.state().type()).isEqualTo(StateType.COMPLETED);
        assertThat(done.state().name()).isEqualTo("Completed");
        assertThat(done.times().startedAt()).isEqualTo(clock.instant());
        assertThat(done.times().endedAt()).isEqualTo(clock.instant());
        assertThat(done.lease().expiresAt()).isNull();
        assertThat(done.logCount()).isEqualTo(3);
        assertThat(historyTypes(claimed.id()))
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
        assertThat(history(claimed.id())).extracting(RunStateRecord::actor)
                .containsExactly(Actor.CLAIM, Actor.AGENT, Actor.AGENT);
        assertThat(logMessages(claimed.id())).containsExactly("line 1", "line 2", "line 3");
        assertThat(poolSignals).contains(p.pool().id());

        // The same batch again (a lost ack): nothing changes, the ack is the same.
        clock.advance(Duration.ofSeconds(1));
        EventAck again = ingestor.ingest(source, batch, r -> true);
        assertThat(again.ackedSeq()).isEqualTo(5);
        assertThat(again.rejections()).isEmpty();
        assertThat(run(claimed.id())).isEqualTo(done);
        assertThat(history(claimed.id())).hasSize(3);
        assertThat(logMessages(claimed.id())).containsExactly("line 1", "line 2", "line 3");
        // Shuffled and overlapping: still nothing new.
        EventAck shuffled = ingestor.ingest(source, List.of(batch.get(4), batch.get(0), batch.get(2)), r -> true);
        assertThat(shuffled.ackedSeq()).isEqualTo(5);
        assertThat(logMessages(claimed.id())).hasSize(3);
    }

    @Test
    void eventsAfterAGapWaitForTheGap() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), 1);
        FlowRun claimed = one(claim(p, 1));
        long epoch = claimed.lease().epoch();
        String source = source();

        EventAck first = ingestor.ingest(source, List.of(
                state(1, claimed, epoch, StateType.RUNNING),
                log(2, claimed, epoch, "a"),
                log(3, claimed, epoch, "b")), r -> true);
        assertThat(first.ackedSeq()).isEqualTo(3);

        EventAck gap = ingestor.ingest(source, List.of(
                log(5, claimed, epoch, "d"),
                state(6, claimed, epoch, StateType.COMPLETED)), r -> true);
        assertThat(gap.ackedSeq()).isEqualTo(3);
        assertThat(gap.rejections()).isEmpty();
        assertThat(ackedSeq(source)).isEqualTo(3);
        assertThat(logMessages(claimed.id())).containsExactly("a", "b");
        assertThat(run(claimed.id()).state().type()).isEqualTo(StateType.RUNNING);
        assertThat(run(claimed.id()).logCount()).isEqualTo(2);

        // The gap is filled: the rest follows, and a batch applies only up to its own gap.
        EventAck filled = ingestor.ingest(source, List.of(
                log(4, claimed, epoch, "c"),
                log(5, claimed, epoch, "d"),
                log(7, claimed, epoch, "f")), r -> true);
        assertThat(filled.ackedSeq()).isEqualTo(5);
        assertThat(logMessages(claimed.id())).containsExactly("a", "b", "c", "d");
        assertThat(run(claimed.id()).state().type()).isEqualTo(StateType.RUNNING);
    }

    @Test
    void staleLeaseEpochIsRejectedAndChangesNothing() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), 1);
        FlowRun claimed = one(claim(p, 1));
        String source = source();
        assertThat(ingestor.ingest(source, List.of(state(1, claimed, claimed.lease().epoch(), StateType.RUNNING)),
                r -> true).rejections()).isEmpty();
        FlowRun running = run(claimed.id());

        clock.advance(Duration.ofSeconds(5));
        long stale = claimed.lease().epoch() - 1;
        EventAck ack = ingestor.ingest(source, List.of(
                state(2, claimed, stale, StateType.COMPLETED),
                log(3, claimed, stale, "from an old holder")), r -> true);

        // Stored as seen (acknowledged) but not applied.
        assertThat(ack.ackedSeq()).isEqualTo(3);
        assertThat(ack.rejections()).hasSize(2).allSatisfy(rj -> {
            assertThat(rj.reason()).isEqualTo(EventAck.Reason.STALE_LEASE);
            assertThat(rj.runId()).isEqualTo(claimed.id());
        });
        assertThat(ack.rejections()).extracting(EventAck.Rejection::seq).containsExactly(2L, 3L);
        assertThat(run(claimed.id())).isEqualTo(running);
        assertThat(historyTypes(claimed.id())).containsExactly(StateType.PENDING, StateType.RUNNING);
        assertThat(logMessages(claimed.id())).isEmpty();
    }

    @Test
    void forbiddenTransitionIsRejected() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRuns(p.queue(), 1);
        FlowRun claimed = one(claim(p, 1));
        long epoch = claimed.lease().epoch();
        String source = source();
        assertThat(ingestor.ingest(source, List.of(
                state(1, claimed, epoch, StateType.RUNNING),
                state(2, claimed, epoch, StateType.COMPLETED)), r -> true).rejections()).isEmpty();
        FlowRun done = run(claimed.id());

        clock.advance(Duration.ofSeconds(1));
        EventAck ack = ingestor.ingest(source, List.of(state(3, claimed, epoch, StateType.RUNNING)), r -> true);

        assertThat(ack.ackedSeq()).isEqualTo(3);
        assertThat(ack.rejections()).singleElement().satisfies(rj -> {
            assertThat(rj.seq()).isEqualTo(3);
            assertThat(rj.reason()).isEqualTo(EventAck.Reason.INVALID_TRANSITION);
        });
        assertThat(run(claimed.id())).isEqualTo(done);
        assertThat(historyTypes(claimed.id()))
                .containsExactly(StateType.PENDING, StateType.RUNNING, StateType.COMPLETED);
    }

    @Test
    void unknownRunIsRejected() {
        String source = source();
        UUID missing = UUID.randomUUID();
        EventAck ack = ingestor.ingest(source, List.of(new RunEvent(1, missing, 1, clock.instant(),
                new RunEvent.State(StateType.RUNNING, null, null, null))), r -> true);
        assertThat(ack.ackedSeq()).isEqualTo(1);
        assertThat(ack.rejections()).singleElement().satisfies(rj -> {
            assertThat(rj.runId()).isEqualTo(missing);
            assertThat(rj.reason()).isEqualTo(EventAck.Reason.UNKNOWN_RUN);
        });
    }

    @Test
    void failedRunWithRetriesLeftIsScheduledAgain() {
        PoolWithQueue p = fixtures.pool();
        FlowRun inserted = fixtures.scheduledRun(p.queue(), fixtures.deployment(p.queue(), null), START, 2, "[10]");
        FlowRun claimed = one(claim(p, 1));
        assertThat(claimed.id()).isEqualTo(inserted.id());
        assertThat(claimed.attempt()).isEqualTo(1);
        long epoch = claimed.lease().epoch();
        String source = source();

        clock.advance(Duration.ofSeconds(3));
        Instant failedAt = clock.instant();
        EventAck ack = ingestor.ingest(source, List.of(
                state(1, claimed, epoch, StateType.RUNNING),
                state(2, claimed, epoch, StateType.FAILED)), r -> true);
        assertThat(ack.ackedSeq()).isEqualTo(2);
        assertThat(ack.rejections()).isEmpty();

        FlowRun retry = run(claimed.id());
        assertThat(retry.state().type()).isEqualTo(StateType.SCHEDULED);
        assertThat(retry.state().name()).isEqualTo("AwaitingRetry");
        assertThat(retry.nextAt()).isEqualTo(failedAt.plusSeconds(10));
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(retry.times().endedAt()).isNull();
        assertThat(retry.lease().expiresAt()).isNull();
        List<RunStateRecord> history = history(claimed.id());
        assertThat(history).extracting(RunStateRecord::stateType).containsExactly(
                StateType.PENDING, StateType.RUNNING, StateType.FAILED, StateType.SCHEDULED);
        assertThat(history.get(2).attempt()).isEqualTo(1);
        assertThat(history.get(3).attempt()).isEqualTo(2);
        assertThat(history.get(3).actor()).isEqualTo(Actor.SERVER);
        assertThat(history.get(3).stateName()).isEqualTo("AwaitingRetry");

        // Due again only after the delay; then claimed under a new lease epoch.
        clock.advance(Duration.ofSeconds(10).minusMillis(1));
        assertThat(claim(p, 1)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        FlowRun again = one(claim(p, 1));
        assertThat(again.id()).isEqualTo(claimed.id());
        assertThat(again.lease().epoch()).isEqualTo(epoch + 1);
        assertThat(again.attempt()).isEqualTo(2);
    }

    @Test
    void theCodeVersionAnAgentReportsWithRunningIsRecordedPerAttempt() {
        PoolWithQueue p = fixtures.pool();
        fixtures.scheduledRun(p.queue(), fixtures.deployment(p.queue(), null), START, 1, "[0]");
        FlowRun claimed = one(claim(p, 1));
        String source = source();
        String first = "sha256:" + "a".repeat(64);
        EventAck ack = ingestor.ingest(source, List.of(
                new RunEvent(1, claimed.id(), claimed.lease().epoch(), clock.instant(),
                        new RunEvent.State(StateType.RUNNING, null, null, "running-1", first)),
                state(2, claimed, claimed.lease().epoch(), StateType.FAILED)), r -> true);
        assertThat(ack.rejections()).isEmpty();
        assertThat(codeVersion(claimed.id())).contains(first);

        FlowRun again = one(claim(p, 1));
        assertThat(again.attempt()).isEqualTo(2);
        String second = "git:" + "b".repeat(40);
        ingestor.ingest(source, List.of(new RunEvent(3, again.id(), again.lease().epoch(), clock.instant(),
                new RunEvent.State(StateType.RUNNING, null, null, "running-2", second))), r -> true);
        assertThat(codeVersion(claimed.id())).contains(second);
        List<String> rows = store.jdbi().withHandle(h -> h.createQuery(
                "SELECT attempt, code_version FROM run_code_versions WHERE run_id = :id ORDER BY attempt")
                .bind("id", claimed.id()).map((rs, ctx) -> rs.getInt(1) + "=" + rs.getString(2)).list());
        assertThat(rows).containsExactly("1=" + first, "2=" + second);

        // A version with a state that is not RUNNING, or with a rejected event, is not recorded.
        FlowRun other = fixtures.scheduledRun(p.queue(), fixtures.deployment(p.queue(), null), START, 0, "[]");
        FlowRun otherClaimed = one(claim(p, 1));
        assertThat(otherClaimed.id()).isEqualTo(other.id());
        ingestor.ingest(source, List.of(new RunEvent(4, other.id(), otherClaimed.lease().epoch() + 7, clock.instant(),
                new RunEvent.State(StateType.RUNNING, null, null, "stale", first))), r -> true);
        assertThat(codeVersion(other.id())).isEmpty();
    }

    private java.util.Optional<String> codeVersion(UUID runId) {
        return store.jdbi().withExtension(CodeVersionDao.class, d -> d.latest(runId));
    }

    // ---------------------------------------------------------------- user transitions

    @Test
    void userCancelsScheduledRunOncePerIdempotencyKey() {
        PoolWithQueue p = fixtures.pool();
        FlowRun run = one(fixtures.scheduledRuns(p.queue(), 1));
        StateChange cancel = new StateChange(StateType.CANCELLED, null, "not needed", Actor.USER, "cancel-1");

        clock.advance(Duration.ofSeconds(2));
        FlowRun cancelled = writer.transition(run.id(), r -> cancel);
        assertThat(cancelled.state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(cancelled.state().name()).isEqualTo("Cancelled");
        assertThat(cancelled.times().endedAt()).isEqualTo(clock.instant());
        assertThat(run(run.id())).isEqualTo(cancelled);

        clock.advance(Duration.ofSeconds(2));
        FlowRun repeated = writer.transition(run.id(), r -> cancel);
        assertThat(repeated).isEqualTo(cancelled);
        assertThat(history(run.id())).singleElement().satisfies(h -> {
            assertThat(h.stateType()).isEqualTo(StateType.CANCELLED);
            assertThat(h.actor()).isEqualTo(Actor.USER);
            assertThat(h.idempotencyKey()).isEqualTo("cancel-1");
            assertThat(h.message()).isEqualTo("not needed");
        });
        assertThat(claim(p, 10)).isEmpty();

        // Another key is another request: cancelling a cancelled run is refused, nothing written.
        assertThatThrownBy(() -> writer.transition(run.id(),
                r -> new StateChange(StateType.CANCELLED, null, null, Actor.USER, "cancel-2")))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(history(run.id())).hasSize(1);
    }

    @Test
    void transitionOfUnknownRunIsNotFound() {
        assertThatThrownBy(() -> writer.transition(UUID.randomUUID(),
                r -> StateChange.of(StateType.CANCELLED, Actor.USER)))
                .isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- helpers

    private List<FlowRun> claim(PoolWithQueue p, int maxRuns) {
        return claims.claim(new ClaimRequest("agent-" + maxRuns, p.pool().name(), List.of(), maxRuns)).runs()
                .stream().map(ClaimService.Claimed::run).toList();
    }

    /** Reports RUNNING then COMPLETED for a claimed run, as its agent would. */
    private void complete(FlowRun claimed) {
        EventAck ack = ingestor.ingest(source(), List.of(
                state(1, claimed, claimed.lease().epoch(), StateType.RUNNING),
                state(2, claimed, claimed.lease().epoch(), StateType.COMPLETED)), r -> true);
        assertThat(ack.ackedSeq()).isEqualTo(2);
        assertThat(ack.rejections()).isEmpty();
        assertThat(run(claimed.id()).state().type()).isEqualTo(StateType.COMPLETED);
    }

    private static String source() {
        return "agent-" + UUID.randomUUID();
    }

    private RunEvent state(long seq, FlowRun run, long epoch, StateType type) {
        return new RunEvent(seq, run.id(), epoch, clock.instant(), new RunEvent.State(type, null, null, null));
    }

    private RunEvent log(long seq, FlowRun run, long epoch, String message) {
        return new RunEvent(seq, run.id(), epoch, clock.instant(), new RunEvent.Log(null, "stdout", "INFO", message));
    }

    private long ackedSeq(String source) {
        return store.jdbi().withExtension(EventSourceDao.class, d -> d.find(source)).orElseThrow();
    }

    private FlowRun run(UUID id) {
        return store.jdbi().withExtension(FlowRunDao.class, d -> d.find(id)).orElseThrow();
    }

    private List<RunStateRecord> history(UUID id) {
        return store.jdbi().withExtension(FlowRunDao.class, d -> d.history(id));
    }

    private List<StateType> historyTypes(UUID id) {
        return history(id).stream().map(RunStateRecord::stateType).toList();
    }

    private List<String> logMessages(UUID runId) {
        List<LogLine> lines = store.jdbi().withHandle(h -> LogStore.read(h, runId, 0, 1_000));
        return lines.stream().map(LogLine::message).toList();
    }

    private int activeRuns(UUID poolId) {
        return store.jdbi().withExtension(FlowRunDao.class, d -> d.activeInPool(poolId)).stream()
                .mapToInt(FlowRunDao.ActiveCount::runs).sum();
    }

    /** A run's row with its history counts, read in one query. */
    record RunRow(UUID id, String stateType, long leaseEpoch, String agentId, int pendingHistory, int history) {
    }

    private List<RunRow> runRows(UUID poolId) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT r.id, r.state_type, r.lease_epoch, r.agent_id, "
                        + "(SELECT COUNT(*) FROM flow_run_states s WHERE s.run_id = r.id AND s.state_type = 'PENDING'),"
                        + " (SELECT COUNT(*) FROM flow_run_states s WHERE s.run_id = r.id) "
                        + "FROM flow_runs r WHERE r.pool_id = :pool")
                .bind("pool", poolId)
                .map((rs, ctx) -> new RunRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3),
                        rs.getString(4), rs.getInt(5), rs.getInt(6)))
                .list());
    }

    private static Set<UUID> ids(Collection<FlowRun> runs) {
        return runs.stream().map(FlowRun::id).collect(Collectors.toSet());
    }

    private static FlowRun one(List<FlowRun> runs) {
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }
}
