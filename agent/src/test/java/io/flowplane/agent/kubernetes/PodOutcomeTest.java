package io.flowplane.agent.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Job and pod status → run state, for the cases the mock-server test does not drive. */
class PodOutcomeTest {
    private static final Job ACTIVE = new JobBuilder().withNewSpec().withActiveDeadlineSeconds(90L).endSpec().build();

    @Test
    void evictionAndALostNodeCrashSoRetriesApply() {
        Pod evicted = new PodBuilder().withNewStatus().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory.").endStatus().build();
        assertThat(PodOutcome.of(ACTIVE, evicted, "flow", 90)).isEqualTo(new PodOutcome(PodOutcome.Phase.ENDED,
                StateType.CRASHED, null, "the pod was evicted: The node was low on resource: memory."));
        Pod lost = new PodBuilder().withNewStatus().withPhase("Unknown").endStatus().build();
        assertThat(PodOutcome.of(ACTIVE, lost, "flow", 90).state()).isEqualTo(StateType.CRASHED);
    }

    @Test
    void theDeadlineIsATimeout() {
        Job timedOut = new JobBuilder(ACTIVE).withNewStatus().withConditions(new JobConditionBuilder().withType("Failed")
                .withStatus("True").withReason("DeadlineExceeded").build()).endStatus().build();
        PodOutcome o = PodOutcome.of(timedOut, null, "flow", 90);
        assertThat(o.state()).isEqualTo(StateType.FAILED);
        assertThat(o.name()).isEqualTo("TimedOut");
        assertThat(o.message()).contains("90 s");
        // A deadline short of the timeout was the lease's: the agent was gone; retries apply.
        PodOutcome lease = PodOutcome.of(timedOut, null, "flow", 600);
        assertThat(lease.state()).isEqualTo(StateType.CRASHED);
        assertThat(lease.message()).contains("lease");
    }

    @Test
    void stuckPodsSayWhy() {
        Pod unschedulable = new PodBuilder().withNewStatus().withPhase("Pending").withConditions(new PodConditionBuilder()
                .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient memory.").build()).endStatus().build();
        PodOutcome o = PodOutcome.of(ACTIVE, unschedulable, "flow", 0);
        assertThat(o.phase()).isEqualTo(PodOutcome.Phase.STUCK);
        assertThat(o.message()).contains("could not be scheduled").contains("Insufficient memory");
        Pod noSecret = new PodBuilder().withNewStatus().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                .withName("flow").withNewState().withNewWaiting().withReason("CreateContainerConfigError")
                .withMessage("secret \"db-password\" not found").endWaiting().endState().build()).endStatus().build();
        assertThat(PodOutcome.of(ACTIVE, noSecret, "flow", 0).message()).contains("db-password");
        Pod pulling = new PodBuilder().withNewStatus().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                .withName("flow").withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState()
                .build()).endStatus().build();
        assertThat(PodOutcome.of(ACTIVE, pulling, "flow", 0).phase()).isEqualTo(PodOutcome.Phase.PENDING);
    }

    @Test
    void theRunsContainerDecidesNotASidecar() {
        Pod pod = new PodBuilder().withNewStatus().withPhase("Running").withContainerStatuses(
                new ContainerStatusBuilder().withName("sidecar").withNewState().withNewRunning().endRunning().endState().build(),
                new ContainerStatusBuilder().withName("flow").withNewState().withNewTerminated().withExitCode(2)
                        .withReason("Error").endTerminated().endState().build()).endStatus().build();
        assertThat(PodOutcome.of(ACTIVE, pod, "flow", 0)).isEqualTo(new PodOutcome(PodOutcome.Phase.ENDED, StateType.FAILED,
                null, "exit code 2"));
    }
}
