package io.flowplane.controlplane.dispatch;

import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.dispatch.ClaimService.Claimed;
import io.flowplane.controlplane.dispatch.ClaimService.ClaimRequest;
import io.flowplane.controlplane.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dispatcher's wake-up logic without a database: a fake {@link ClaimSource} (due instants per
 * pool), a manual clock, and executors that run only when the test says. Every case is one exact
 * interleaving, so "no pass", "one more pass" and "answered once" are facts here, not timings.
 */
class DispatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String POOL = "etl";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final ManualExecutors.Timers timers = new ManualExecutors.Timers(clock);
    private final ManualExecutors.Tasks claimers = new ManualExecutors.Tasks();
    private final FakeSource source = new FakeSource();
    private final Dispatcher dispatcher = new Dispatcher(source, clock, timers, claimers);
    private final UUID poolId = source.addPool(POOL);

    @Test
    void aPollWithWorkDueIsAnsweredByOnePass() {
        source.dueAt(poolId, clock.instant());
        Replies replies = new Replies();

        dispatcher.poll(request(1), WAIT, replies::add);
        assertThat(replies.all).as("nothing runs before the claimer does").isEmpty();
        claimers.runAll();

        assertThat(replies.sizes()).containsExactly(1);
        assertThat(source.batches).containsExactly(1);
        assertThat(timers.pending()).as("the answered poll's timeout is cancelled").isEmpty();
    }

    @Test
    void aHeldPollIsAnsweredWhenItsRunBecomesDueWithNoOtherSignal() {
        Instant due = clock.instant().plusSeconds(5);
        source.dueAt(poolId, due);
        Replies replies = new Replies();

        dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();
        assertThat(replies.all).isEmpty();
        assertThat(dispatcher.waitingPolls()).isEqualTo(1);
        assertThat(timers.pending()).as("a wake at the due instant, and the poll's timeout")
                .containsExactly(due, clock.instant().plus(WAIT));

        timers.advance(Duration.ofMillis(4_999));
        claimers.runAll();
        assertThat(replies.all).isEmpty();

        timers.advance(Duration.ofMillis(1));
        claimers.runAll();
        assertThat(replies.sizes()).containsExactly(1);

        timers.advance(WAIT);
        claimers.runAll();
        assertThat(replies.sizes()).as("answered once, never again by its timeout").containsExactly(1);
    }

    @Test
    void aHeldPollWithNothingDueIsAnsweredEmptyOnceWhenItsWaitPasses() {
        Replies replies = new Replies();
        dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();
        assertThat(timers.pending()).as("nothing due: no due wake, only the timeout").hasSize(1);

        timers.advance(WAIT.minusMillis(1));
        assertThat(replies.all).isEmpty();
        timers.advance(Duration.ofMillis(1));
        assertThat(replies.sizes()).containsExactly(0);

        source.dueAt(poolId, clock.instant());
        dispatcher.poolChanged(poolId);
        claimers.runAll();
        assertThat(replies.sizes()).containsExactly(0);
        assertThat(source.batches).as("a lane without polls claims nothing").isEmpty();
    }

    @Test
    void pollsThatArriveTogetherAreClaimedForInOneTransaction() {
        for (int i = 0; i < 3; i++) {
            source.dueAt(poolId, clock.instant());
        }
        Replies replies = new Replies();
        for (int i = 0; i < 3; i++) {
            dispatcher.poll(request(1), WAIT, replies::add);
        }
        assertThat(claimers.queued()).as("one pass started; the later polls flag it").isEqualTo(1);
        claimers.runAll();

        assertThat(source.batches).containsExactly(3);
        assertThat(replies.sizes()).containsExactly(1, 1, 1);
    }

    @Test
    void aSignalDuringAPassCausesExactlyOneMorePass() {
        Replies replies = new Replies();
        source.duringAnyDue = () -> {
            source.duringAnyDue = null;
            source.dueAt(poolId, clock.instant());
            dispatcher.poolChanged(poolId); // a run created while the first pass reads
            dispatcher.poolChanged(poolId); // and a second signal: still one more pass
        };
        dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();

        assertThat(source.anyDueCalls).isEqualTo(2);
        assertThat(replies.sizes()).containsExactly(1);
    }

    @Test
    void aPassRightAfterOneThatGotAllItAskedForSkipsTheDueCheck() {
        for (int i = 0; i < 3; i++) {
            source.dueAt(poolId, clock.instant());
        }
        Replies replies = new Replies();

        dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();
        dispatcher.poll(request(2), WAIT, replies::add);
        claimers.runAll();
        assertThat(source.anyDueCalls).as("the second pass followed one that got all it asked for").isEqualTo(1);
        assertThat(replies.sizes()).containsExactly(1, 2);

        dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();
        assertThat(source.batches).as("so did the third, which found nothing").containsExactly(1, 1, 1);

        dispatcher.poolChanged(poolId);
        claimers.runAll();
        assertThat(source.anyDueCalls).as("after an empty claim the check is back").isEqualTo(2);
        assertThat(source.batches).containsExactly(1, 1, 1);
        assertThat(dispatcher.waitingPolls()).isEqualTo(1);
    }

    @Test
    void aPassAfterOneThatGotLessThanItAskedForChecksFirst() {
        source.dueAt(poolId, clock.instant());
        Replies replies = new Replies();

        dispatcher.poll(request(4), WAIT, replies::add);
        claimers.runAll();
        assertThat(replies.sizes()).containsExactly(1);

        dispatcher.poll(request(4), WAIT, replies::add);
        claimers.runAll();
        assertThat(source.anyDueCalls).as("the supply ran out: check before locking").isEqualTo(2);
        assertThat(source.batches).as("and nothing was due, so no claim").containsExactly(1);
    }

    @Test
    void aCancelledPollIsNeitherAnsweredNorClaimedFor() {
        Replies replies = new Replies();
        Dispatcher.PendingPoll poll = dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();
        poll.cancel();

        source.dueAt(poolId, clock.instant());
        dispatcher.poolChanged(poolId);
        claimers.runAll();
        timers.advance(WAIT);

        assertThat(replies.all).isEmpty();
        assertThat(source.batches).isEmpty();
        assertThat(source.due.get(poolId)).as("the run waits for the next poll").hasSize(1);
    }

    @Test
    void aFailedPassAnswersASingleTryEmptyKeepsAHeldPollAndLeavesTheLaneWorking() {
        source.dueAt(poolId, clock.instant());
        source.failNext = new IllegalStateException("database unavailable");
        Replies held = new Replies();
        Replies once = new Replies();
        dispatcher.poll(request(1), WAIT, held::add);
        dispatcher.poll(request(1), Duration.ZERO, once::add);
        claimers.runAll();

        assertThat(once.sizes()).containsExactly(0);
        assertThat(held.all).isEmpty();

        dispatcher.poolChanged(poolId);
        claimers.runAll();
        assertThat(held.sizes()).containsExactly(1);
    }

    @Test
    void aPollOnAPoolDeletedMeanwhileIsAnsweredAndTheNextOneRefused() {
        Replies replies = new Replies();
        dispatcher.poll(request(1), WAIT, replies::add);
        claimers.runAll();

        source.pools.remove(POOL);
        source.dueAt(poolId, clock.instant());
        dispatcher.poolChanged(poolId);
        claimers.runAll();

        assertThat(replies.sizes()).containsExactly(0);
        assertThatThrownBy(() -> dispatcher.poll(request(1), WAIT, replies::add))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aPollForAnUnknownPoolIsRefusedAtOnce() {
        assertThatThrownBy(() -> dispatcher.poll(new ClaimRequest("a1", "nope", List.of(), 1), WAIT, r -> { }))
                .isInstanceOf(NotFoundException.class);
        assertThat(claimers.queued()).isZero();
    }

    private static ClaimRequest request(int maxRuns) {
        return new ClaimRequest("agent-1", POOL, List.of(), maxRuns);
    }

    /** What each poll was answered with (a poll answered twice shows as two entries). */
    private static final class Replies {
        final List<List<Claimed>> all = new ArrayList<>();

        void add(List<Claimed> runs) {
            all.add(runs);
        }

        List<Integer> sizes() {
            return all.stream().map(List::size).toList();
        }
    }

    /** Pools by name and the due instants of their runs; a claim takes the earliest due ones. */
    private final class FakeSource implements ClaimSource {
        final Map<String, UUID> pools = new HashMap<>();
        final Map<UUID, List<Instant>> due = new HashMap<>();
        final List<Integer> batches = new ArrayList<>();
        int anyDueCalls;
        Runnable duringAnyDue;
        RuntimeException failNext;

        UUID addPool(String name) {
            UUID id = UUID.randomUUID();
            pools.put(name, id);
            due.put(id, new ArrayList<>());
            return id;
        }

        void dueAt(UUID pool, Instant at) {
            due.get(pool).add(at);
            due.get(pool).sort(Comparator.naturalOrder());
        }

        @Override
        public UUID poolId(String pool) {
            UUID id = pools.get(pool);
            if (id == null) {
                throw new NotFoundException("work pool", pool);
            }
            return id;
        }

        @Override
        public boolean anyDue(UUID pool) {
            anyDueCalls++;
            if (duringAnyDue != null) {
                duringAnyDue.run();
                return false; // what the pass read before the run was created
            }
            return due.get(pool).stream().anyMatch(at -> !at.isAfter(clock.instant()));
        }

        @Override
        public ClaimService.Batch claimAll(String pool, List<ClaimRequest> requests) {
            if (failNext != null) {
                RuntimeException e = failNext;
                failNext = null;
                throw e;
            }
            UUID id = poolId(pool);
            batches.add(requests.size());
            List<Instant> runs = due.get(id);
            List<List<Claimed>> answers = new ArrayList<>();
            for (ClaimRequest r : requests) {
                List<Claimed> got = new ArrayList<>();
                while (got.size() < r.maxRuns() && !runs.isEmpty() && !runs.get(0).isAfter(clock.instant())) {
                    runs.remove(0);
                    got.add(new Claimed(null, null, null)); // the dispatcher never looks inside a claim
                }
                answers.add(got);
            }
            return new ClaimService.Batch(id, answers);
        }

        @Override
        public Optional<Instant> nextDue(UUID pool, Instant now) {
            return due.get(pool).stream().filter(at -> at.isAfter(now)).findFirst();
        }
    }
}
