package io.flowplane.agent.kubernetes;

import io.dropwizard.util.Duration;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent whose connection to the control plane is cut (a partition, not a heartbeat answer
 * saying the lease is lost) while its run's Job runs: it fences itself and deletes the Job before
 * the control plane's lease can expire (issue 13's contract for Kubernetes), so the control
 * plane's retry never overlaps it. The API server is fabric8's mock in CRUD mode; the test plays
 * the Job controller and the kubelet.
 */
class KubernetesPartitionTest {
    private static final int LEASE_SECONDS = 4;
    private static final String NS = "flows";
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theCutOffAgentDeletesItsJobBeforeTheControlPlanesLeaseExpires() throws Exception {
        AtomicReference<Instant> deleted = new AtomicReference<>();
        AtomicReference<String> deleteBody = new AtomicReference<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()) {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        if (request.getMethod().equals("DELETE") && request.getPath().contains("/jobs/")) {
                            deleted.compareAndSet(null, Instant.now());
                            deleteBody.compareAndSet(null, request.getBody() == null ? ""
                                    : new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
                        }
                        return super.dispatch(request);
                    }
                }, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient kube = server.createClient(new JdkHttpClientFactory());
             Cluster cluster = Cluster.start(dir, c -> c.getRuns().leaseDuration = Duration.seconds(LEASE_SECONDS));
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.post("/api/v1/work-pools", "{\"name\":\"k8s-cut\",\"type\":\"kubernetes\"}", 201);
            cluster.post("/api/v1/deployments", "{\"name\":\"cut\",\"flowName\":\"cut\",\"workPool\":\"k8s-cut\","
                    + "\"entrypoint\":{\"command\":[\"run\"]}}", 201);
            AgentConfig c = cluster.agentConfig("k8s-cut", proxy.port());
            KubernetesExecutor executor = new KubernetesExecutor(kube, new KubernetesExecutor.Settings(NS,
                    java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(10),
                    64 * 1024));
            try (Agent agent = Agent.start(c, Agent.Options.defaults(), executor)) {
                String run = cluster.run("cut");
                String name = "fp-" + run + "-1";
                Job job = await().atMost(WAIT).until(() -> kube.batch().v1().jobs().inNamespace(NS).withName(name).get(),
                        j -> j != null);
                Pod pod = kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name + "-x1")
                        .withNamespace(NS).withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec()).withStatus(new PodStatusBuilder().withPhase("Running")
                                .addNewContainerStatus().withName("flow").withNewState().withNewRunning().endRunning()
                                .endState().endContainerStatus().build()).build()).create();
                await().atMost(WAIT).until(() -> cluster.stateType(run).equals("RUNNING"));
                // The last renewal the control plane got came before the cut: its lease ends by cut + lease.
                proxy.cut();
                Instant cut = Instant.now();

                await().atMost(WAIT).until(() -> deleted.get() != null);
                assertThat(deleteBody.get()).as("foreground: its pods go with it").contains("Foreground");
                assertThat(deleted.get()).as("the Job is deleted before the lease can expire")
                        .isBefore(cut.plusSeconds(LEASE_SECONDS));
                // What garbage collection does for the foreground delete; the agent then lets the run go.
                kube.pods().inNamespace(NS).withName(pod.getMetadata().getName()).delete();
                await().atMost(WAIT).until(() -> kube.batch().v1().jobs().inNamespace(NS).withName(name).get() == null);

                await().atMost(WAIT).until(() -> cluster.stateType(run).equals("CRASHED"));
                Instant crashed = null;
                for (com.fasterxml.jackson.databind.JsonNode st : cluster.get("/api/v1/flow-runs/" + run + "/states")) {
                    if (st.get("type").asText().equals("CRASHED")) {
                        crashed = Instant.parse(st.get("at").asText());
                    }
                }
                assertThat(deleted.get()).isBefore(crashed);
                System.out.printf("kubernetes partition (lease %d s): Job deleted %d ms after the cut, %d ms before "
                                + "the control plane crashed the run%n", LEASE_SECONDS,
                        java.time.Duration.between(cut, deleted.get()).toMillis(),
                        java.time.Duration.between(deleted.get(), crashed).toMillis());
            }
        } finally {
            server.destroy();
        }
    }
}
