package io.flowplane.agent.kubernetes;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.flowplane.agent.exec.ActiveRun;
import io.flowplane.agent.exec.ExecutorSupport;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.proto.v1.ClaimedRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each claimed run of a {@code kubernetes} pool as a Kubernetes Job ({@link JobExecution}),
 * and on start adopts the Jobs an earlier incarnation of this agent (same name) left, found by
 * their labels, so a restart never makes a second Job. Talks to the cluster with the agent's
 * service account (in a pod) or a kubeconfig.
 */
public final class KubernetesExecutor implements RunSupervisor.Executor {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesExecutor.class);

    /**
     * {@code namespace}: where every Job goes and where adoption looks, the one the agent's Role
     * covers (null: the client's, i.e. the agent pod's own); a run whose template names another
     * namespace fails rather than making a Job no restart would find; {@code pendingLimit}: how long a pod may stay
     * stuck (image not pullable, unschedulable) before the run fails; {@code pollInterval}: how often
     * Job, pod and log are read; {@code stopTimeout}: how long after the kill grace a deleted Job's
     * pods are awaited.
     */
    public record Settings(String namespace, Duration pendingLimit, Duration pollInterval, Duration stopTimeout,
                           int maxLineBytes) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final JobFactory jobs;

    public KubernetesExecutor(KubernetesClient client, Settings settings) {
        this.client = client;
        this.settings = settings.namespace() == null
                ? new Settings(client.getNamespace() == null ? "default" : client.getNamespace(), settings.pendingLimit(),
                settings.pollInterval(), settings.stopTimeout(), settings.maxLineBytes())
                : settings;
        this.jobs = new JobFactory(client.getKubernetesSerialization());
    }

    /** A client from the kubeconfig file given, else the usual discovery (in-cluster service account, $KUBECONFIG, ~/.kube/config). */
    public static KubernetesClient client(String kubeconfig) throws IOException {
        Config config = kubeconfig == null || kubeconfig.isBlank() ? Config.autoConfigure(null)
                : Config.fromKubeconfig(Files.readString(Path.of(kubeconfig), StandardCharsets.UTF_8));
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    @Override
    public Runnable execution(ActiveRun run, RunSupervisor supervisor, Path runDir) {
        return new JobExecution(run, new ExecutorSupport(supervisor), client, settings, jobs, null);
    }

    @Override
    public List<RunSupervisor.Adoption> recover(RunSupervisor supervisor) {
        ExecutorSupport support = new ExecutorSupport(supervisor);
        String agent = JobFactory.agentLabel(support.agentName());
        List<Job> found;
        try {
            found = client.batch().v1().jobs().inNamespace(settings.namespace()).withLabel(JobFactory.AGENT, agent)
                    .list().getItems();
        } catch (KubernetesClientException e) {
            // Not fatal: their leases expire, the control plane retries them, and the stale Jobs are
            // deleted when a later heartbeat names them lost.
            LOG.error("could not list this agent's Jobs in namespace {}: runs it left are not adopted: {}",
                    settings.namespace(), e.getMessage());
            return List.of();
        }
        List<RunSupervisor.Adoption> adopted = new ArrayList<>();
        for (Job job : found) {
            ClaimedRun claim = JobFactory.claimOf(job);
            if (claim == null || !job.getMetadata().getName().equals(JobFactory.name(claim))) {
                LOG.warn("Job {}/{} has this agent's label but no readable claim; left alone",
                        settings.namespace(), job.getMetadata().getName());
                continue;
            }
            ActiveRun run = ExecutorSupport.adopted(claim);
            LOG.info("run {}: adopting its Job {}/{} (attempt {}, lease epoch {})", claim.getRunId(), settings.namespace(),
                    job.getMetadata().getName(), claim.getAttempt(), claim.getLeaseEpoch());
            adopted.add(new RunSupervisor.Adoption(run,
                    new JobExecution(run, support, client, settings, jobs, job.getMetadata().getNamespace())));
        }
        return adopted;
    }
}
