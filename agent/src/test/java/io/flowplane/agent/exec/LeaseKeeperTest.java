package io.flowplane.agent.exec;

import io.flowplane.proto.v1.ClaimedRun;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When a fresh claim asks for a heartbeat sooner than the next regular one. */
class LeaseKeeperTest {
    private static final long SECOND = 1_000_000_000L;

    private final LeaseKeeper keeper = new LeaseKeeper(Duration.ofSeconds(10), null, null);

    @Test
    void aClaimBeforeTheLeaseDurationIsKnownIsRenewedEarly() {
        ActiveRun run = run();
        keeper.granted(run, System.nanoTime());

        assertThat(keeper.renewEarly(run)).isTrue();
    }

    @Test
    void aClaimWithMostOfItsLeaseLeftWaitsForTheNextBeat() {
        keeper.leaseDuration(Duration.ofSeconds(30));
        ActiveRun fresh = run();
        keeper.granted(fresh, System.nanoTime());
        ActiveRun tenSecondsOld = run();
        keeper.granted(tenSecondsOld, System.nanoTime() - 10 * SECOND);

        assertThat(keeper.renewEarly(fresh)).isFalse();
        assertThat(keeper.renewEarly(tenSecondsOld)).isFalse();
    }

    @Test
    void aClaimWithHalfItsLeaseOrLessLeftIsRenewedEarly() {
        keeper.leaseDuration(Duration.ofSeconds(30));
        ActiveRun late = run();
        // Valid until basis + 30 s - 1 s margin: 13 s left, less than half of 30 s.
        keeper.granted(late, System.nanoTime() - 16 * SECOND);

        assertThat(keeper.renewEarly(late)).isTrue();
    }

    private static ActiveRun run() {
        return new ActiveRun(ClaimedRun.newBuilder().setRunId("r").setLeaseEpoch(1).build(), "");
    }
}
