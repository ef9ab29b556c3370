package io.flowplane.controlplane.state;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.ledger.RunTransitions;
import io.flowplane.controlplane.ledger.StateChange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Enumerates every (from, to, actor) triple through the real transition function: each allowed
 * one must be applied, each other one refused, and every row of the table must be exercised.
 */
class RunStateMachineTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void everyTripleIsAcceptedExactlyWhenTheTableAllowsIt() {
        Set<RunStateMachine.Transition> exercised = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        for (StateType from : StateType.values()) {
            for (StateType to : StateType.values()) {
                for (Actor actor : Actor.values()) {
                    boolean accepted;
                    try {
                        RunTransitions.Outcome o = RunTransitions.apply(run(from, 1), new StateChange(to, null, null, actor, null),
                                RetryPolicy.NONE, NOW);
                        accepted = true;
                        assertThat(o.run().state().type()).isEqualTo(to);
                        assertThat(o.records()).hasSize(1);
                    } catch (IllegalTransitionException e) {
                        accepted = false;
                    }
                    if (accepted != RunStateMachine.allows(from, to, actor)) {
                        wrong.add(from + " -> " + to + " by " + actor + (accepted ? " accepted" : " refused"));
                    }
                    if (accepted) {
                        RunStateMachine.transitions().stream()
                                .filter(t -> t.from() == from && t.to() == to && t.actors().contains(actor))
                                .forEach(exercised::add);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(exercised).containsExactlyInAnyOrderElementsOf(RunStateMachine.transitions());
    }

    @Test
    void rulesOfTheDesignHold() {
        Set<RunStateMachine.Transition> table = RunStateMachine.transitions();
        for (RunStateMachine.Transition t : table) {
            if (t.from() == StateType.SCHEDULED && t.to() == StateType.PENDING) {
                assertThat(t.actors()).containsExactly(Actor.CLAIM);
            }
            if (t.from() == StateType.CANCELLING) {
                assertThat(t.to()).isEqualTo(StateType.CANCELLED);
            }
            if (t.from().isTerminal()) {
                assertThat(t.to()).as("a finished run only comes back as a new attempt").isEqualTo(StateType.SCHEDULED);
                assertThat(t.actors()).doesNotContain(Actor.AGENT, Actor.CLAIM);
            }
            if (t.to() == StateType.PENDING) {
                assertThat(t.from()).isEqualTo(StateType.SCHEDULED);
            }
        }
        for (StateType terminal : EnumSet.of(StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED)) {
            for (Actor a : Actor.values()) {
                assertThat(RunStateMachine.allows(terminal, StateType.RUNNING, a)).isFalse();
                assertThat(RunStateMachine.allows(terminal, StateType.COMPLETED, a)).isFalse();
            }
        }
    }

    @Test
    void failureWithRetriesLeftIsScheduledAgainAfterTheDelayWithTheNextAttempt() {
        RetryPolicy policy = new RetryPolicy(2, List.of(Duration.ofSeconds(10), Duration.ofSeconds(60)));
        RunTransitions.Outcome first = RunTransitions.apply(run(StateType.RUNNING, 1),
                new StateChange(StateType.FAILED, null, "exit code 1", Actor.AGENT, null), policy, NOW);
        assertThat(first.records()).extracting(r -> r.stateName()).containsExactly("Failed", "AwaitingRetry");
        assertThat(first.run().state().type()).isEqualTo(StateType.SCHEDULED);
        assertThat(first.run().attempt()).isEqualTo(2);
        assertThat(first.run().nextAt()).isEqualTo(NOW.plusSeconds(10));
        assertThat(first.run().times().endedAt()).isNull();

        RunTransitions.Outcome crash = RunTransitions.apply(run(StateType.RUNNING, 2),
                new StateChange(StateType.CRASHED, null, "lease expired", Actor.SERVER, null), policy, NOW);
        assertThat(crash.run().nextAt()).as("crashes count as failures; the second delay").isEqualTo(NOW.plusSeconds(60));
        assertThat(crash.run().attempt()).isEqualTo(3);

        RunTransitions.Outcome last = RunTransitions.apply(run(StateType.RUNNING, 3),
                new StateChange(StateType.FAILED, null, null, Actor.AGENT, null), policy, NOW);
        assertThat(last.run().state().type()).as("no retries left").isEqualTo(StateType.FAILED);
        assertThat(last.records()).hasSize(1);

        RunTransitions.Outcome cancelled = RunTransitions.apply(run(StateType.CANCELLING, 1),
                new StateChange(StateType.CANCELLED, null, null, Actor.AGENT, null), policy, NOW);
        assertThat(cancelled.run().state().type()).as("a cancellation is never retried").isEqualTo(StateType.CANCELLED);
    }

    @Test
    void namedStatesMustBelongToTheirType() {
        assertThatThrownBy(() -> RunTransitions.apply(run(StateType.RUNNING, 1),
                new StateChange(StateType.COMPLETED, "TimedOut", null, Actor.AGENT, null), RetryPolicy.NONE, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FAILED");
        RunTransitions.Outcome timedOut = RunTransitions.apply(run(StateType.RUNNING, 1),
                new StateChange(StateType.FAILED, "TimedOut", null, Actor.AGENT, null), RetryPolicy.NONE, NOW);
        assertThat(timedOut.run().state().name()).isEqualTo("TimedOut");
        assertThat(timedOut.run().times().endedAt()).isEqualTo(NOW);
        assertThat(timedOut.run().lease().expiresAt()).as("a finished run holds no lease").isNull();
    }

    private static FlowRun run(StateType type, int attempt) {
        Instant lease = type.isActive() ? NOW.plusSeconds(30) : null;
        return new FlowRun(UUID.randomUUID(), "r", FlowRun.Origin.adHoc("flow"), FlowRun.Placement.NONE, "{}", "[]",
                new FlowRun.State(type, type.defaultName(), null, NOW.minusSeconds(5)), null, attempt,
                FlowRun.Policy.NONE, new FlowRun.Lease("agent-1", 1, lease),
                FlowRun.Times.planned(NOW.minusSeconds(60), NOW.minusSeconds(60), null), 0);
    }
}
