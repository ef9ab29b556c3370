package io.flowplane.agent.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowplane.agent.exec.ActiveRun;
import io.flowplane.agent.exec.ExecutorSupport;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.StateType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * One run attempt as a Kubernetes Job, from creation (or adoption after a restart) to its final
 * state: follows the Job and its pod, ships the pod's log, maps how it ended to a run state,
 * fails it when it stays stuck (image, scheduling) longer than the limit, and deletes the Job
 * when the run is cancelled, its lease is lost or the agent shuts down (reporting CANCELLED only
 * once the pods are gone).
 */
final class JobExecution implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JobExecution.class);

    private final ActiveRun run;
    private final ExecutorSupport support;
    private final KubernetesClient client;
    private final KubernetesExecutor.Settings settings;
    private final JobFactory jobs;
    private final boolean adopted;
    private final Path runDir;
    private volatile String namespace;
    private final String name;
    private volatile boolean deleted;

    JobExecution(ActiveRun run, ExecutorSupport support, KubernetesClient client, KubernetesExecutor.Settings settings,
                 JobFactory jobs, String adoptedNamespace) {
        this.run = run;
        this.support = support;
        this.client = client;
        this.settings = settings;
        this.jobs = jobs;
        this.adopted = adoptedNamespace != null;
        this.namespace = adoptedNamespace;
        this.name = JobFactory.name(run.claim());
        this.runDir = support.runDir(run.claim());
    }

    @Override
    public void run() {
        try {
            support.redactKnownSecrets(run);
            if (!adopted && !create()) {
                return;
            }
            supervise();
        } catch (RuntimeException e) {
            LOG.error("run {}: the agent failed while following its Job {}/{}", run.id(), namespace, name, e);
            if (namespace != null) {
                deleteQuietly();
            }
            support.finish(run, StateType.CRASHED, null, "agent error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            support.finish(run, StateType.CRASHED, null, "agent interrupted");
        } finally {
            support.ended(run, runDir);
        }
    }

    /** Creates the Job, or finds the one a repeated claim already made; false if the run ended here. */
    private boolean create() {
        Job job;
        try {
            job = jobs.build(run.claim(), support.agentName(), support.fenceGrace());
        } catch (JobFactory.InvalidJob e) {
            support.finish(run, StateType.FAILED, null, e.getMessage());
            return false;
        }
        String refused = refusal(job);
        if (refused != null) {
            support.finish(run, StateType.FAILED, null, refused);
            return false;
        }
        namespace = settings.namespace();
        job.getMetadata().setNamespace(namespace);
        if (ExecutorSupport.stopRequested(run)) {
            support.finish(run, null, null, null);
            return false;
        }
        run.stopWith(this::stop);
        long deadline = wantedDeadline(job);
        if (deadline > 0) {
            // Bound by the lease from the start, not only from the first poll on.
            job.getSpec().setActiveDeadlineSeconds(deadline);
        }
        try {
            client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
            LOG.info("run {}: created Job {}/{}", run.id(), namespace, name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Job existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (existing == null || !run.id().equals(label(existing, JobFactory.RUN_ID))) {
                support.finish(run, StateType.FAILED, null, "a Job named " + namespace + "/" + name
                        + " exists that this agent did not create for the run");
                return false;
            }
            // A repeated claim of the same attempt: the Job is already there; follow it, never make a second.
            LOG.info("run {}: Job {}/{} already exists; following it", run.id(), namespace, name);
        }
        return true;
    }

    /**
     * Why the run cannot be launched here, or null. A template naming another namespace is
     * refused rather than followed: the agent's Role grants it its own namespace only, and
     * adoption after a restart looks there, so a Job elsewhere could be neither created nor found
     * again (see agent/README.md).
     */
    private String refusal(Job job) {
        String named = job.getMetadata().getNamespace();
        if (named != null && !named.equals(settings.namespace())) {
            return "the Job template names namespace '" + named + "' (the pool's variables.namespace or the "
                    + "deployment's jobVariables.namespace), but this agent runs Jobs only in its own namespace '"
                    + settings.namespace() + "' (kubernetes.namespace in its configuration): leave the namespace out "
                    + "of the template, or serve the pool with an agent configured for '" + named + "'";
        }
        Duration valid = ExecutorSupport.leaseValidFor(run);
        long grace = JobFactory.graceSeconds(job);
        if (valid != null && grace + 1 > valid.toSeconds()) {
            // Its pod, stopped at any deadline, could outlive the lease: the contract cannot be kept.
            return "the Job template's terminationGracePeriodSeconds (" + grace + " s) does not fit in the run's lease ("
                    + valid.toSeconds() + " s left of it): a pod stopped at its deadline could still run after another "
                    + "agent took the run over; set it below " + Math.max(0, valid.toSeconds() - 1) + " s, or leave it out "
                    + "(the agent's fenceGrace applies)";
        }
        return support.refusedSecret(run);
    }

    private void supervise() throws InterruptedException {
        run.stopWith(this::stop);
        PodLogs logs = new PodLogs(client, namespace, support.stateDir().resolve("kubernetes").resolve(name + ".log-lines"), support.spooledOutput(run.claim()),
                settings.maxLineBytes());
        supervise(logs);
    }

    private void supervise(PodLogs logs) throws InterruptedException {
        boolean running = false;
        Instant stuckSince = null;
        while (true) {
            if (leftForTheNextAgent()) {
                return;
            }
            if (ExecutorSupport.stopRequested(run)) {
                logs.forget();
                stopped();
                return;
            }
            Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (job == null) {
                if (ExecutorSupport.stopRequested(run)) {
                    continue;
                }
                logs.forget();
                support.finish(run, StateType.CRASHED, null, "its Job " + namespace + "/" + name
                        + " was deleted outside Flowplane");
                return;
            }
            Pod pod = pod();
            String container = JobFactory.container(job.getSpec().getTemplate().getSpec().getContainers()).getName();
            PodOutcome outcome = PodOutcome.of(job, pod, container, JobFactory.timeoutSeconds(run.claim()));
            if (!outcome.ended()) {
                keepDeadline(job);
            }
            if (!running && pod != null && (outcome.phase() == PodOutcome.Phase.RUNNING || outcome.ended())) {
                running = true;
                support.started(run, "started by agent " + support.agentName() + " as Job " + namespace + "/" + name
                        + " (pod " + pod.getMetadata().getName() + ")");
            }
            if (running) {
                pull(logs, pod, container, outcome.ended());
            }
            if (outcome.ended()) {
                logs.forget();
                finish(outcome.state(), outcome.name(), outcome.message());
                return;
            }
            if (outcome.phase() == PodOutcome.Phase.STUCK) {
                Instant now = support.clock().instant();
                stuckSince = stuckSince == null ? now : stuckSince;
                if (Duration.between(stuckSince, now).compareTo(settings.pendingLimit()) > 0) {
                    LOG.warn("run {}: {} for more than {}; deleting its Job", run.id(), outcome.message(), settings.pendingLimit());
                    delete();
                    logs.forget();
                    finish(outcome.state(), outcome.name(), outcome.message() + " for more than "
                            + settings.pendingLimit().toSeconds() + " s");
                    return;
                }
            } else {
                stuckSince = null;
            }
            Thread.sleep(settings.pollInterval().toMillis());
        }
    }

    /**
     * Keeps the Job's activeDeadlineSeconds so that its pod is gone by the end of the run's lease
     * (and at most the deployment's timeout): if the agent dies or is cut off, Kubernetes stops the
     * pod before the control plane can give the run to another agent, as the watchdog does for a
     * process. Kubernetes counts the deadline from the Job's status.startTime and then gives the
     * pod its terminationGracePeriodSeconds, so the deadline is the lease's safe end minus that
     * grace, counted from startTime (from now while the Job controller has not set it: no earlier
     * start can be assumed; the next poll counts from it). Lowered as soon as it is later than
     * that; raised when it lags by half the lease. Agent and API server clocks are assumed in sync.
     */
    private void keepDeadline(Job job) {
        long want = wantedDeadline(job);
        if (want < 0) {
            return;
        }
        long timeout = JobFactory.timeoutSeconds(run.claim());
        long lag = Math.max(2, ExecutorSupport.leaseValidFor(run).toSeconds() / 2);
        Long current = job.getSpec().getActiveDeadlineSeconds();
        if (current != null && current <= want && want - current < lag && !(want == timeout && current < timeout)) {
            return;
        }
        long deadline = want;
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name).edit(j -> {
                j.getSpec().setActiveDeadlineSeconds(deadline);
                return j;
            });
        } catch (KubernetesClientException e) {
            // The previous deadline stays: it was set by the same rule from an earlier lease.
            LOG.warn("run {}: could not move its Job's deadline: {}", run.id(), e.getMessage());
        }
    }

    /** The deadline {@link #keepDeadline} aims at, in seconds from the Job's start; -1 while the lease is unknown. */
    private long wantedDeadline(Job job) {
        Duration valid = ExecutorSupport.leaseValidFor(run);
        if (valid == null) {
            return -1;
        }
        Instant now = support.clock().instant();
        String started = job.getStatus() == null ? null : job.getStatus().getStartTime();
        Instant start = started == null ? now : Instant.parse(started);
        long grace = JobFactory.graceSeconds(job);
        // Whole seconds, rounded down: never past the lease's end. Kubernetes needs at least 1.
        long want = Math.floorDiv(Math.max(0, Duration.between(start, now).toMillis()) + valid.toMillis()
                - grace * 1000, 1000);
        if (want < 1) {
            // The lease is running out (cut off: the agent fences and deletes the Job about now).
            want = 1;
        }
        long timeout = JobFactory.timeoutSeconds(run.claim());
        return timeout > 0 && want >= timeout ? timeout : want;
    }

    /** A stop was asked for: the Job is deleted (by the stopper, or here if it came before the Job existed); report once its pods are gone. */
    private void stopped() throws InterruptedException {
        if (!deleted) {
            delete();
        }
        long deadline = System.nanoTime() + support.killGrace().plus(settings.stopTimeout()).toNanos();
        while (!gone()) {
            if (System.nanoTime() - deadline > 0) {
                LOG.warn("run {}: its Job {}/{} or its pods were still there {} after deleting it", run.id(), namespace,
                        name, support.killGrace().plus(settings.stopTimeout()));
                break;
            }
            Thread.sleep(settings.pollInterval().toMillis());
        }
        if (ExecutorSupport.fenced(run)) {
            support.finish(run, null, null, null);
        } else if (ExecutorSupport.cancelRequested(run)) {
            support.finish(run, StateType.CANCELLED, null, "cancelled: its Job " + namespace + "/" + name + " was deleted");
        } else {
            support.finish(run, null, null, null);
        }
    }

    private boolean gone() {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get() == null && pods().isEmpty();
    }

    /**
     * The agent is shutting down (and neither a cancel nor a lost lease is pending): the Job keeps
     * running and keeps this agent's label; the agent that starts next with the same name adopts it
     * within the lease, and one that never comes lets the lease-bound deadline stop it. Nothing is
     * reported: the run is neither handed back nor ended.
     */
    private boolean leftForTheNextAgent() {
        if (!ExecutorSupport.shuttingDown(run) || ExecutorSupport.cancelRequested(run) || ExecutorSupport.fenced(run)) {
            return false;
        }
        LOG.info("run {}: agent stopping; its Job {}/{} keeps running for the next agent to adopt", run.id(), namespace, name);
        return true;
    }

    /** The supervisor's way to stop the run (cancel, lost lease): delete the Job, wait for its pods. Shutdown leaves it. */
    private void stop(Duration grace) {
        if (!ExecutorSupport.shuttingDown(run) || ExecutorSupport.cancelRequested(run) || ExecutorSupport.fenced(run)) {
            delete();
        }
    }

    private void delete() {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            deleted = true;
            LOG.info("run {}: deleted Job {}/{} (foreground)", run.id(), namespace, name);
        } catch (KubernetesClientException e) {
            LOG.warn("run {}: could not delete Job {}/{}: {}", run.id(), namespace, name, e.getMessage());
        }
    }

    private void deleteQuietly() {
        try {
            delete();
        } catch (RuntimeException e) {
            LOG.debug("run {}: delete failed", run.id(), e);
        }
    }

    private void finish(StateType state, String stateName, String message) {
        support.finish(run, state, stateName, message);
        // Reported: a restarted agent must not adopt it again. The Job stays until its TTL, for inspection.
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name).edit(j -> {
                j.getMetadata().getLabels().remove(JobFactory.AGENT);
                return j;
            });
        } catch (KubernetesClientException e) {
            LOG.debug("run {}: could not unlabel its Job: {}", run.id(), e.getMessage());
        }
    }

    private void pull(PodLogs logs, Pod pod, String container, boolean ended) {
        logs.pull(pod.getMetadata().getName(), container, ended, (lines, end, spooled) ->
                support.log(run, LogStream.STDOUT, lines, support.clock().instant(), end, spooled));
    }

    /** The attempt's newest pod (there is one: backoffLimit 0), or null. */
    private Pod pod() {
        return pods().stream().max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp() == null ? ""
                : p.getMetadata().getCreationTimestamp())).orElse(null);
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(namespace).withLabel(JobFactory.RUN_ID, run.id())
                .withLabel(JobFactory.ATTEMPT, Integer.toString(run.claim().getAttempt())).list().getItems();
    }

    private static String label(Job job, String key) {
        return job.getMetadata().getLabels() == null ? null : job.getMetadata().getLabels().get(key);
    }
}
