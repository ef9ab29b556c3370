package io.flowplane.agent.dispatch;

import com.google.protobuf.util.Durations;
import io.flowplane.proto.v1.ClaimedRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a claim's lease started on the agent's clock: never after it did on the control plane. */
class LeaseBasisTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long SENT = 5_000 * SECOND;

    @Test
    void theLeaseStartsWhenThePollWasSentPlusHowLongTheControlPlaneHeldItNotWhenTheAnswerArrived() {
        ClaimedRun claim = ClaimedRun.newBuilder().setClaimedAfter(Durations.fromMillis(3_000)).build();
        // The answer was held up in the network for 20 s: the lease is 20 s older than its arrival.
        assertThat(Poller.leaseBasis(claim, SENT, SENT + 23 * SECOND)).isEqualTo(SENT + 3 * SECOND);
    }

    @Test
    void anOlderControlPlaneThatDoesNotSayGetsThePollsSendTime() {
        assertThat(Poller.leaseBasis(ClaimedRun.getDefaultInstance(), SENT, SENT + 7 * SECOND)).isEqualTo(SENT);
    }

    @Test
    void neverLaterThanTheArrivalNorBeforeTheSendTime() {
        ClaimedRun tooLate = ClaimedRun.newBuilder().setClaimedAfter(Durations.fromSeconds(30)).build();
        assertThat(Poller.leaseBasis(tooLate, SENT, SENT + 2 * SECOND)).isEqualTo(SENT + 2 * SECOND);
        ClaimedRun negative = ClaimedRun.newBuilder().setClaimedAfter(Durations.fromSeconds(-4)).build();
        assertThat(Poller.leaseBasis(negative, SENT, SENT + 2 * SECOND)).isEqualTo(SENT);
    }
}
