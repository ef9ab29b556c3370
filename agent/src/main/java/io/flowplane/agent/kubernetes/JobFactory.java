package io.flowplane.agent.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.flowplane.proto.v1.ClaimedRun;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Job of one run attempt, from the Job the control plane resolved (pool template plus the
 * deployment's overrides): a name derived from run id and attempt (so a repeated create finds the
 * same Job), the labels the agent finds it by, the run's FLOWPLANE_* environment, secret
 * references as {@code secretKeyRef}s (the value never passes through the agent), the run's
 * timeout as {@code activeDeadlineSeconds}, and the claim itself as an annotation for adoption.
 */
final class JobFactory {
    static final String RUN_ID = "flowplane.io/run-id";
    static final String ATTEMPT = "flowplane.io/attempt";
    static final String EPOCH = "flowplane.io/lease-epoch";
    static final String AGENT = "flowplane.io/agent";
    static final String CLAIM = "flowplane.io/claim";
    /** The key a Kubernetes Secret holds a Flowplane secret's value under. */
    static final String SECRET_KEY = "value";
    static final String CONTAINER = "flow";

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");
    private static final Pattern WHOLE_REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL_UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    /** A Job that cannot be built from the claim; the run fails with this message. */
    static final class InvalidJob extends Exception {
        InvalidJob(String message) {
            super(message);
        }
    }

    private final KubernetesSerialization serialization;

    JobFactory(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    /** {@code fp-<run id>-<attempt>}: at most 45 characters, a valid Job (and pod name prefix). */
    static String name(ClaimedRun claim) {
        return "fp-" + claim.getRunId().toLowerCase(java.util.Locale.ROOT) + "-" + claim.getAttempt();
    }

    /** The agent's name as a label value (letters, digits, '.', '_', '-'; at most 63). */
    static String agentLabel(String agentName) {
        String s = LABEL_UNSAFE.matcher(agentName).replaceAll("-");
        s = s.length() > 63 ? s.substring(0, 63) : s;
        return s.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    /** The Kubernetes Secret a {@code ${secret:NAME}} reference reads: NAME lowercased, '_' as '-'. */
    static String secretName(String reference) {
        return reference.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** What Kubernetes gives a pod between SIGTERM and SIGKILL when the template sets nothing. */
    static final long KUBERNETES_DEFAULT_GRACE_SECONDS = 30;

    /** The pod's terminationGracePeriodSeconds: how long it may still run once its Job's deadline passed. */
    static long graceSeconds(Job job) {
        Long g = job.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        return g == null ? KUBERNETES_DEFAULT_GRACE_SECONDS : Math.max(0, g);
    }

    /**
     * {@code fenceGrace}: the agent's (null: unknown); the pod's grace when the template sets none,
     * in whole seconds rounded down, so a pod stopped at its deadline is gone within it (a
     * template's own grace is kept, and the deadline leaves room for it).
     */
    Job build(ClaimedRun claim, String agentName, java.time.Duration fenceGrace) throws InvalidJob {
        if (claim.getKubernetesJobJson().isBlank()) {
            throw new InvalidJob("the run carries no Kubernetes Job: its pool '" + claim.getPool()
                    + "' is not of type kubernetes, and this agent runs flows as Kubernetes Jobs");
        }
        Job job = serialization.unmarshal(claim.getKubernetesJobJson(), Job.class);
        if (job.getSpec() == null || job.getSpec().getTemplate() == null || job.getSpec().getTemplate().getSpec() == null
                || job.getSpec().getTemplate().getSpec().getContainers() == null
                || job.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            throw new InvalidJob("the pool's Job template has no container");
        }
        ObjectMeta meta = job.getMetadata() == null ? new ObjectMeta() : job.getMetadata();
        job.setMetadata(meta);
        meta.setName(name(claim));
        meta.setGenerateName(null);
        Map<String, String> labels = labels(claim, agentName);
        meta.setLabels(merge(meta.getLabels(), labels));
        Map<String, String> annotations = meta.getAnnotations() == null ? new HashMap<>() : new HashMap<>(meta.getAnnotations());
        annotations.put(CLAIM, Base64.getEncoder().encodeToString(claim.toByteArray()));
        meta.setAnnotations(annotations);
        // One pod per attempt: retries are the deployment's, counted by the control plane.
        job.getSpec().setBackoffLimit(0);
        if (timeoutSeconds(claim) > 0) {
            // Until the agent bounds it by the run's lease (JobExecution.keepDeadline).
            job.getSpec().setActiveDeadlineSeconds(timeoutSeconds(claim));
        }
        PodTemplateSpec pod = job.getSpec().getTemplate();
        ObjectMeta podMeta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        podMeta.setLabels(merge(podMeta.getLabels(), labels));
        pod.setMetadata(podMeta);
        pod.getSpec().setRestartPolicy("Never");
        if (pod.getSpec().getTerminationGracePeriodSeconds() == null && fenceGrace != null) {
            pod.getSpec().setTerminationGracePeriodSeconds(fenceGrace.toSeconds());
        }
        Container c = container(pod.getSpec().getContainers());
        if (c.getCommand() == null || c.getCommand().isEmpty()) {
            if (claim.getEntrypoint().getCommandCount() == 0) {
                throw new InvalidJob("the deployment has no entrypoint command and the Job template none either");
            }
            c.setCommand(new ArrayList<>(claim.getEntrypoint().getCommandList()));
        }
        if (!claim.getEntrypoint().getWorkingDir().isBlank()) {
            c.setWorkingDir(claim.getEntrypoint().getWorkingDir());
        }
        c.setEnv(env(claim, c.getEnv()));
        return job;
    }

    /** The deployment's timeout in whole seconds, rounded up (0: none). */
    static long timeoutSeconds(ClaimedRun claim) {
        if (!claim.hasTimeout()) {
            return 0;
        }
        return claim.getTimeout().getSeconds() + (claim.getTimeout().getNanos() > 0 ? 1 : 0);
    }

    /** The claim an agent stored on the Job it created (null: not one of ours, or unreadable). */
    static ClaimedRun claimOf(Job job) {
        Map<String, String> a = job.getMetadata().getAnnotations();
        String encoded = a == null ? null : a.get(CLAIM);
        if (encoded == null) {
            return null;
        }
        try {
            return ClaimedRun.parseFrom(Base64.getDecoder().decode(encoded));
        } catch (IllegalArgumentException | com.google.protobuf.InvalidProtocolBufferException e) {
            return null;
        }
    }

    static Container container(List<Container> containers) {
        for (Container c : containers) {
            if (CONTAINER.equals(c.getName())) {
                return c;
            }
        }
        return containers.get(0);
    }

    private static Map<String, String> labels(ClaimedRun claim, String agentName) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(RUN_ID, claim.getRunId());
        l.put(ATTEMPT, Integer.toString(claim.getAttempt()));
        l.put(EPOCH, Long.toString(claim.getLeaseEpoch()));
        l.put(AGENT, agentLabel(agentName));
        return l;
    }

    private static Map<String, String> merge(Map<String, String> base, Map<String, String> ours) {
        Map<String, String> m = base == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base);
        m.putAll(ours);
        return m;
    }

    /**
     * The template's environment, then the deployment's, then the run's contract variables. A
     * value that is one {@code ${secret:NAME}} becomes a secretKeyRef; references inside a longer
     * value become hidden secretKeyRef variables the value expands with {@code $(...)}.
     */
    private static List<EnvVar> env(ClaimedRun claim, List<EnvVar> template) throws InvalidJob {
        Map<String, EnvVar> out = new LinkedHashMap<>();
        List<EnvVar> hidden = new ArrayList<>();
        if (template != null) {
            for (EnvVar e : template) {
                put(out, hidden, e.getName(), e.getValue(), e);
            }
        }
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(claim.getEntrypoint().getEnvMap()).entrySet()) {
            put(out, hidden, e.getKey(), e.getValue(), null);
        }
        contract(claim).forEach((k, v) -> out.put(k, new EnvVar(k, v, null)));
        List<EnvVar> list = new ArrayList<>(hidden);
        list.addAll(out.values());
        return list;
    }

    private static void put(Map<String, EnvVar> out, List<EnvVar> hidden, String name, String value, EnvVar original)
            throws InvalidJob {
        if (value == null) {
            out.put(name, original);
            return;
        }
        Matcher whole = WHOLE_REFERENCE.matcher(value);
        if (whole.matches()) {
            out.put(name, secretRef(name, whole.group(1)));
            return;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        boolean any = false;
        while (m.find()) {
            any = true;
            String var = "FLOWPLANE_SECRET_" + m.group(1).toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
            if (hidden.stream().noneMatch(h -> h.getName().equals(var))) {
                hidden.add(secretRef(var, m.group(1)));
            }
            m.appendReplacement(expanded, Matcher.quoteReplacement("$(" + var + ")"));
        }
        m.appendTail(expanded);
        out.put(name, any ? new EnvVar(name, expanded.toString(), null) : new EnvVar(name, value, null));
    }

    private static EnvVar secretRef(String var, String reference) throws InvalidJob {
        String secret = secretName(reference);
        if (!SECRET_NAME.matcher(secret).matches()) {
            throw new InvalidJob("secret reference '${secret:" + reference + "}' cannot name a Kubernetes Secret");
        }
        return new EnvVarBuilder().withName(var).withNewValueFrom().withNewSecretKeyRef()
                .withName(secret).withKey(SECRET_KEY).withOptional(false).endSecretKeyRef().endValueFrom().build();
    }

    /** The run's contract variables (docs/run-environment.md); the parameters inline, as a pod has no run directory. */
    private static Map<String, String> contract(ClaimedRun run) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLOWPLANE_RUN_ID", run.getRunId());
        env.put("FLOWPLANE_LEASE_EPOCH", Long.toString(run.getLeaseEpoch()));
        env.put("FLOWPLANE_ATTEMPT", Integer.toString(run.getAttempt()));
        env.put("FLOWPLANE_DEPLOYMENT_ID", run.getDeploymentId());
        env.put("FLOWPLANE_DEPLOYMENT_NAME", run.getDeploymentName());
        env.put("FLOWPLANE_FLOW_NAME", run.getFlowName());
        env.put("FLOWPLANE_PARAMETERS", run.getParametersJson().isBlank() ? "{}" : run.getParametersJson());
        if (run.hasScheduledAt()) {
            env.put("FLOWPLANE_SCHEDULED_AT", Instant.ofEpochSecond(run.getScheduledAt().getSeconds(),
                    run.getScheduledAt().getNanos()).toString());
        }
        if (!run.getScheduleId().isEmpty()) {
            env.put("FLOWPLANE_SCHEDULE_ID", run.getScheduleId());
        }
        if (!run.getBackfillId().isEmpty()) {
            env.put("FLOWPLANE_BACKFILL_ID", run.getBackfillId());
        }
        return env;
    }
}
