package io.flowplane.agent.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.flowplane.proto.v1.StateType;

import java.util.List;
import java.util.Set;

/**
 * What a run's Job and pod say about it, as a pure function of their status: still pending (and
 * why, if it is stuck: an image that cannot be pulled, a pod that cannot be scheduled), running,
 * or ended with a run state. The clock-dependent part (stuck for longer than the limit) is the
 * caller's.
 */
record PodOutcome(Phase phase, StateType state, String name, String message) {
    // name: a state name the control plane knows (only "TimedOut" here); the reason goes in the message.
    enum Phase { PENDING, STUCK, RUNNING, ENDED }

    private static final Set<String> IMAGE_REASONS = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
            "ErrImageNeverPull");
    private static final Set<String> CONFIG_REASONS = Set.of("CreateContainerConfigError", "CreateContainerError");
    private static final Set<String> PLAIN_REASONS = Set.of("Error", "Completed");

    /**
     * {@code timeoutSeconds}: the deployment's timeout (0: none). The Job's deadline is that or,
     * sooner, the end of the run's lease, which the agent keeps moving while it renews the lease:
     * a deadline passed before the timeout means the agent was gone (CRASHED, retries apply).
     */
    static PodOutcome of(Job job, Pod pod, String container, long timeoutSeconds) {
        JobCondition failed = condition(job, "Failed");
        if (failed != null && "DeadlineExceeded".equals(failed.getReason())) {
            long s = job.getSpec().getActiveDeadlineSeconds() == null ? 0 : job.getSpec().getActiveDeadlineSeconds();
            if (timeoutSeconds > 0 && s >= timeoutSeconds) {
                return ended(StateType.FAILED, "TimedOut", "timed out after " + s + " s (the Job's activeDeadlineSeconds)");
            }
            return ended(StateType.CRASHED, null, "the Job's deadline (" + s + " s, kept at the end of the run's lease) "
                    + "passed: its lease was not renewed in time");
        }
        if (pod != null) {
            PodOutcome p = ofPod(pod, container);
            if (p != null) {
                return p;
            }
        }
        if (condition(job, "Complete") != null) {
            return ended(StateType.COMPLETED, null, "exit code 0");
        }
        if (failed != null) {
            return ended(StateType.FAILED, null, "the Job failed: " + failed.getReason() + ": " + failed.getMessage());
        }
        return new PodOutcome(Phase.PENDING, null, null, null);
    }

    private static PodOutcome ofPod(Pod pod, String container) {
        var status = pod.getStatus();
        if (status == null) {
            return null;
        }
        if ("Evicted".equals(status.getReason())) {
            return ended(StateType.CRASHED, null, "the pod was evicted: " + status.getMessage());
        }
        if ("NodeLost".equals(status.getReason()) || "Unknown".equals(status.getPhase())) {
            return ended(StateType.CRASHED, null, "the pod's node was lost" + suffix(status.getMessage()));
        }
        ContainerStatus cs = status(status.getContainerStatuses(), container);
        if (cs != null && cs.getState() != null) {
            ContainerStateTerminated t = cs.getState().getTerminated();
            if (t != null) {
                int code = t.getExitCode() == null ? -1 : t.getExitCode();
                if ("OOMKilled".equals(t.getReason())) {
                    return ended(StateType.CRASHED, null, "OOMKilled: the container ran out of memory (exit code "
                            + code + ")");
                }
                if (code == 0) {
                    return ended(StateType.COMPLETED, null, "exit code 0");
                }
                String reason = t.getReason() == null || PLAIN_REASONS.contains(t.getReason()) ? "" : " (" + t.getReason() + ")";
                return ended(StateType.FAILED, null, "exit code " + code + reason);
            }
            if (cs.getState().getRunning() != null) {
                return new PodOutcome(Phase.RUNNING, null, null, null);
            }
            ContainerStateWaiting w = cs.getState().getWaiting();
            if (w != null && IMAGE_REASONS.contains(w.getReason())) {
                return new PodOutcome(Phase.STUCK, StateType.FAILED, null, "the image " + cs.getImage()
                        + " could not be pulled (" + w.getReason() + suffix(w.getMessage()) + ")");
            }
            if (w != null && CONFIG_REASONS.contains(w.getReason())) {
                return new PodOutcome(Phase.STUCK, StateType.FAILED, null, "the container could not be created ("
                        + w.getReason() + suffix(w.getMessage()) + ")");
            }
        }
        if ("Failed".equals(status.getPhase())) {
            return ended(StateType.CRASHED, null, "the pod failed" + suffix(status.getReason())
                    + suffix(status.getMessage()));
        }
        if ("Succeeded".equals(status.getPhase())) {
            return ended(StateType.COMPLETED, null, "exit code 0");
        }
        PodCondition scheduled = podCondition(status.getConditions(), "PodScheduled");
        if (scheduled != null && "False".equals(scheduled.getStatus()) && "Unschedulable".equals(scheduled.getReason())) {
            return new PodOutcome(Phase.STUCK, StateType.FAILED, null, "the pod could not be scheduled"
                    + suffix(scheduled.getMessage()));
        }
        return "Running".equals(status.getPhase()) ? new PodOutcome(Phase.RUNNING, null, null, null) : null;
    }

    boolean ended() {
        return phase == Phase.ENDED;
    }

    private static PodOutcome ended(StateType state, String name, String message) {
        return new PodOutcome(Phase.ENDED, state, name, message);
    }

    private static String suffix(String s) {
        return s == null || s.isBlank() ? "" : ": " + s;
    }

    private static JobCondition condition(Job job, String type) {
        if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        for (JobCondition c : job.getStatus().getConditions()) {
            if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
                return c;
            }
        }
        return null;
    }

    private static PodCondition podCondition(List<PodCondition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        for (PodCondition c : conditions) {
            if (type.equals(c.getType())) {
                return c;
            }
        }
        return null;
    }

    private static ContainerStatus status(List<ContainerStatus> statuses, String container) {
        if (statuses == null || statuses.isEmpty()) {
            return null;
        }
        for (ContainerStatus s : statuses) {
            if (container.equals(s.getName())) {
                return s;
            }
        }
        return statuses.get(0);
    }
}
