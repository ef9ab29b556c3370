package io.flowplane.agent.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
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
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.testing.AgentProcess;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes executor against fabric8's API server mock in CRUD mode, with the real control
 * plane and a real agent. The mock runs no controllers: the test plays the Job controller and the
 * kubelet, creating each Job's pod and driving its status (and its log) as a cluster would.
 */
class KubernetesExecutorTest {
    private static final String NS = "flows";
    private static final String SECRET = "s3cr3t-pa55word-value";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static Cluster cluster;
    static KubernetesMockServer server;
    static KubernetesClient kube;
    /** The in-process agents' client (the test's own is {@link #kube}). */
    static KubernetesClient agentKube;
    static Agent agent;
    /** Pod name → the log text the "kubelet" serves for it. */
    static final Map<String, String> LOGS = new ConcurrentHashMap<>();
    /** Pod name → the timestamp the "kubelet" gave each of its lines (the one it was first served with). */
    static final Map<String, List<java.time.Instant>> STAMPS = new ConcurrentHashMap<>();
    /** Pod name → the size of each log response served for it, in order. */
    static final Map<String, List<Integer>> SERVED = new ConcurrentHashMap<>();
    private static final java.time.format.DateTimeFormatter RFC3339_NANO = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX").withZone(java.time.ZoneOffset.UTC);
    /**
     * What the executor calls on the API server, as RBAC sees it (API group/resource → verbs), all in
     * its own namespace: deploy/kubernetes-agent's Role grants exactly this (KubernetesAgentManifestsTest),
     * and every request an agent made in this class must be one of these.
     */
    static final Map<String, java.util.TreeSet<String>> AGENT_NEEDS = Map.of(
            "batch/jobs", new java.util.TreeSet<>(List.of("create", "delete", "get", "list", "patch")),
            "/pods", new java.util.TreeSet<>(List.of("list")),
            "/pods/log", new java.util.TreeSet<>(List.of("get")));
    /** The user agent of the test's own client (playing the Job controller and the kubelet); any other is an agent's. */
    private static final String CLUSTER_USER_AGENT = "flowplane-test-plays-the-cluster";
    /** Each agent request as "namespace group/resource verb". */
    static final java.util.Set<String> AGENT_CALLS = ConcurrentHashMap.newKeySet();
    /** Every request the API server got (from the agents and from the test), as method, path, headers and body. */
    static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses) {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        REQUESTS.add(request.getMethod() + " " + request.getPath() + "\n" + request.getHeaders() + "\n"
                                + (request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8)));
                        if (!CLUSTER_USER_AGENT.equals(request.getHeader("User-Agent"))) {
                            AGENT_CALLS.add(rbac(request));
                        }
                        MockResponse log = kubeletLog(request);
                        return log != null ? log : super.dispatch(request);
                    }
                }, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        agentKube = server.createClient(new JdkHttpClientFactory());
        kube = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(
                agentKube.getConfiguration()).withUserAgent(CLUSTER_USER_AGENT).build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        cluster = Cluster.start(dir, c -> { });
        cluster.post("/api/v1/work-pools", """
                {"name":"k8s","type":"kubernetes","baseJobTemplate":{"variables":{"image":"acme/base:1","namespace":"flows",
                 "serviceAccountName":"flow-runner","nodeSelector":{"pool":"batch"},"labels":{"team":"data"},
                 "resources":{"requests":{"cpu":"250m"},"limits":{"memory":"512Mi"}},"ttlSecondsAfterFinished":600}}}""", 201);
        agent = startAgent(config("k8s-agent"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            stopAll();
        } finally {
            // The Role must allow every call the agents made (on a cluster, anything else is a 403).
            assertThat(AGENT_CALLS).isNotEmpty().allSatisfy(call -> {
                String[] p = call.split(" ");
                assertThat(p[0]).as(call).isEqualTo(NS);
                assertThat(AGENT_NEEDS.getOrDefault(p[1], new java.util.TreeSet<>())).as(call).contains(p[2]);
            });
        }
    }

    private static void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (kube != null) {
            kube.close();
        }
        if (agentKube != null) {
            agentKube.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    static AgentConfig config(String name) {
        AgentConfig c = cluster.agentConfig("k8s", cluster.grpcPort());
        c.name = name;
        c.stateDir = dir.resolve(name).toString();
        return c;
    }

    static Agent startAgent(AgentConfig c) throws Exception {
        KubernetesExecutor executor = new KubernetesExecutor(agentKube, new KubernetesExecutor.Settings(NS,
                Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(10), 64 * 1024));
        return Agent.start(c, Agent.Options.defaults().withEnv(Map.of("FLOWPLANE_SECRET_DB_PASSWORD", SECRET,
                "FLOWPLANE_SECRET_SHORT_PIN", "4711")), executor);
    }

    @Test
    void aRunBecomesAJobWithTheTemplateAndOverridesItsLogArrivesInOrderAndSuccessCompletes() throws Exception {
        cluster.post("/api/v1/deployments", """
                {"name":"etl","flowName":"etl","workPool":"k8s","timeoutSeconds":120,
                 "entrypoint":{"command":["python","etl.py"],"env":{"DB_PASSWORD":"${secret:DB_PASSWORD}",
                   "DB_URL":"postgres://etl:${secret:DB_PASSWORD}@db/etl","MODE":"full"}},
                 "jobVariables":{"image":"acme/etl:2","resources":{"limits":{"memory":"2Gi"}}}}""", 201);
        String run = cluster.run("etl");
        Job job = awaitJob(run, 1);
        assertThat(job.getMetadata().getName()).isEqualTo("fp-" + run + "-1");
        assertThat(job.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(job.getMetadata().getLabels()).containsEntry("flowplane.io/run-id", run)
                .containsEntry("flowplane.io/attempt", "1").containsEntry("flowplane.io/lease-epoch", "1")
                .containsEntry("team", "data");
        // The deadline: bound by the 30 s lease from the start (the timeout is 120 s), and the pod's
        // grace (the agent's fence grace, 2 s) fits in before the lease's end.
        assertThat(job.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isBetween(0L, 2L);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isBetween(1L, 30L - 2);
        // What the Job controller does first: it records when it started the Job, which is where
        // Kubernetes counts activeDeadlineSeconds from. The pod is gone by startTime + deadline +
        // grace, which must never pass the end of the lease (at most 30 s after now).
        java.time.Instant started = java.time.Instant.now();
        kube.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withStartTime(started.toString()).build());
            return j;
        });
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> podGoneBy(job(run, 1), started)
                .isBefore(java.time.Instant.now().plusSeconds(30)));
        assertThat(podGoneBy(job(run, 1), started)).isAfter(java.time.Instant.now().plusSeconds(15));
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("flow-runner");
        assertThat(pod.getNodeSelector()).containsEntry("pool", "batch");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("acme/etl:2");
        assertThat(c.getCommand()).containsExactly("python", "etl.py");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("2Gi");
        assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("250m");
        EnvVar password = env(c.getEnv(), "DB_PASSWORD");
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("db-password");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("value");
        assertThat(env(c.getEnv(), "DB_URL").getValue()).isEqualTo("postgres://etl:$(FLOWPLANE_SECRET_DB_PASSWORD)@db/etl");
        assertThat(env(c.getEnv(), "FLOWPLANE_SECRET_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("db-password");
        assertThat(env(c.getEnv(), "FLOWPLANE_RUN_ID").getValue()).isEqualTo(run);
        assertThat(kube.getKubernetesSerialization().asJson(job)).doesNotContain(SECRET);

        Pod p = createPod(job);
        LOGS.put(name(p), "line 1\nline 2\n");
        running(p);
        await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 2);
        assertThat(cluster.stateType(run)).isEqualTo("RUNNING");
        LOGS.put(name(p), "line 1\nline 2\nline 3\nthe password is " + SECRET + "\nno newline at the end");
        terminated(p, 0, "Completed");
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
        assertThat(cluster.logMessages(run)).containsExactly("line 1", "line 2", "line 3",
                "the password is [redacted]", "no newline at the end");
        assertThat(cluster.flowRun(run).toString()).doesNotContain(SECRET);
        // Reported: no longer this agent's to adopt; the Job stays for its TTL.
        assertThat(job(run, 1).getMetadata().getLabels()).doesNotContainKey("flowplane.io/agent");
    }

    @Test
    void aTemplatesOwnTerminationGraceIsKeptAndTheDeadlineLeavesRoomForIt() throws Exception {
        cluster.post("/api/v1/work-pools", """
                {"name":"k8s-grace","type":"kubernetes","baseJobTemplate":{"job":{"apiVersion":"batch/v1","kind":"Job",
                 "metadata":{},"spec":{"template":{"spec":{"terminationGracePeriodSeconds":20,
                 "containers":[{"name":"flow"}]}}}}}}""", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"grace\",\"flowName\":\"grace\",\"workPool\":\"k8s-grace\","
                + "\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        AgentConfig c = config("grace-agent");
        c.pool = "k8s-grace";
        try (Agent grace = startAgent(c)) {
            String run = cluster.run("grace");
            Job job = awaitJob(run, 1);
            assertThat(job.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(20L);
            // 30 s lease, 20 s of it the pod's grace: the deadline (counted from now, as no start is recorded) is at most 10 s.
            assertThat(job.getSpec().getActiveDeadlineSeconds()).isBetween(1L, 10L);
            running(createPod(job));
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> job(run, 1).getSpec().getActiveDeadlineSeconds() <= 10);
            cluster.post("/api/v1/flow-runs/" + run + "/cancel", "", 200);
            await().atMost(WAIT).until(() -> job(run, 1) == null);
        }
    }

    @Test
    void aTemplatesTerminationGraceLongerThanTheLeaseFailsTheRunClearly() throws Exception {
        cluster.post("/api/v1/work-pools", """
                {"name":"k8s-longgrace","type":"kubernetes","baseJobTemplate":{"job":{"apiVersion":"batch/v1","kind":"Job",
                 "metadata":{},"spec":{"template":{"spec":{"terminationGracePeriodSeconds":60,
                 "containers":[{"name":"flow"}]}}}}}}""", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"longgrace\",\"flowName\":\"longgrace\",\"workPool\":"
                + "\"k8s-longgrace\",\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        AgentConfig c = config("longgrace-agent");
        c.pool = "k8s-longgrace";
        try (Agent longGrace = startAgent(c)) {
            String run = cluster.run("longgrace");
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
            assertThat(cluster.flowRun(run).at("/state/message").asText())
                    .contains("terminationGracePeriodSeconds (60 s) does not fit in the run's lease");
            assertThat(jobs(run)).isEmpty();
        }
    }

    @Test
    void aTemplateNamingAnotherNamespaceFailsTheRunClearlyAndMakesNoJob() throws Exception {
        cluster.post("/api/v1/work-pools", """
                {"name":"k8s-elsewhere","type":"kubernetes","baseJobTemplate":{"variables":{"namespace":"elsewhere"}}}""", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"elsewhere\",\"flowName\":\"elsewhere\",\"workPool\":"
                + "\"k8s-elsewhere\",\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        AgentConfig c = config("elsewhere-agent");
        c.pool = "k8s-elsewhere";
        try (Agent elsewhere = startAgent(c)) {
            String run = cluster.run("elsewhere");
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
            assertThat(cluster.flowRun(run).at("/state/message").asText()).contains("namespace 'elsewhere'")
                    .contains("variables.namespace").contains("its own namespace '" + NS + "'");
            assertThat(kube.batch().v1().jobs().inAnyNamespace().withLabel("flowplane.io/run-id", run).list().getItems())
                    .isEmpty();
        }
    }

    @Test
    void aSecretTheAgentKnowsButTooShortToMaskIsRefusedOneOnlyTheClusterHoldsIsReferenced() throws Exception {
        // A reference the agent cannot resolve first: it must not hide the short one after it.
        cluster.post("/api/v1/deployments", """
                {"name":"shortpin","flowName":"shortpin","workPool":"k8s","entrypoint":{"command":["run"],
                 "env":{"A_TOKEN":"${secret:CLUSTER_ONLY}","B_PIN":"pin=${secret:SHORT_PIN}"}}}""", 201);
        String refused = cluster.run("shortpin");
        await().atMost(WAIT).until(() -> cluster.stateType(refused).equals("FAILED"));
        assertThat(cluster.flowRun(refused).at("/state/message").asText())
                .contains("secret 'SHORT_PIN' is 4 characters long").contains("shorter than 8 characters are refused");
        assertThat(jobs(refused)).isEmpty();

        cluster.post("/api/v1/deployments", """
                {"name":"clusteronly","flowName":"clusteronly","workPool":"k8s","entrypoint":{"command":["run"],
                 "env":{"TOKEN":"${secret:CLUSTER_ONLY}"}}}""", 201);
        String run = cluster.run("clusteronly");
        Job job = awaitJob(run, 1);
        assertThat(env(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv(), "TOKEN")
                .getValueFrom().getSecretKeyRef().getName()).isEqualTo("cluster-only");
        cluster.post("/api/v1/flow-runs/" + run + "/cancel", "", 200);
        await().atMost(WAIT).until(() -> job(run, 1) == null);
    }

    @Test
    void theTimeoutIsTheJobsDeadlineAndPassingItFails() throws Exception {
        String run = runOf("timeout", 0, ",\"timeoutSeconds\":5");
        Pod p = createPod(awaitJob(run, 1));
        running(p);
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("RUNNING"));
        assertThat(job(run, 1).getSpec().getActiveDeadlineSeconds()).isEqualTo(5L);
        // What the Job controller does at the deadline.
        kube.batch().v1().jobs().inNamespace(NS).withName("fp-" + run + "-1").editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().addNewCondition().withType("Failed")
                    .withStatus("True").withReason("DeadlineExceeded").endCondition().build());
            return j;
        });
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
        assertThat(cluster.flowRun(run).at("/state/name").asText()).isEqualTo("TimedOut");
    }

    @Test
    void exitCodeThreeFails() throws Exception {
        String run = runOf("exit3", 0, "");
        Pod p = createPod(awaitJob(run, 1));
        running(p);
        terminated(p, 3, "Error");
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
        assertThat(cluster.flowRun(run).at("/state/message").asText()).isEqualTo("exit code 3");
    }

    @Test
    void oomKilledCrashesAndTheRetryGetsANewJob() throws Exception {
        String run = runOf("oom", 1, "");
        Pod first = createPod(awaitJob(run, 1));
        running(first);
        terminated(first, 137, "OOMKilled");
        Job second = awaitJob(run, 2);
        assertThat(second.getMetadata().getName()).isEqualTo("fp-" + run + "-2");
        assertThat(cluster.history(run)).contains("CRASHED");
        JsonNode crashed = null;
        for (JsonNode s : cluster.get("/api/v1/flow-runs/" + run + "/states")) {
            if (s.get("type").asText().equals("CRASHED")) {
                crashed = s;
            }
        }
        assertThat(crashed.toString()).contains("OOMKilled");
        Pod p = createPod(second);
        running(p);
        terminated(p, 0, "Completed");
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
        assertThat(cluster.flowRun(run).get("attempt").asInt()).isEqualTo(2);
        assertThat(jobs(run)).hasSize(2);
    }

    @Test
    void anImageThatCannotBePulledFailsTheRunAfterTheLimitNamingTheImage() throws Exception {
        String run = runOf("nopull", 0, ",\"jobVariables\":{\"image\":\"acme/missing:9\"}");
        Job job = awaitJob(run, 1);
        Pod p = createPod(job);
        status(p, new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                .withName("flow").withImage("acme/missing:9").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image").endWaiting().endState().build()).build());
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
        assertThat(cluster.flowRun(run).at("/state/message").asText()).contains("acme/missing:9").contains("ImagePullBackOff");
        await().atMost(WAIT).until(() -> job(run, 1) == null);
    }

    @Test
    void cancelDeletesTheJobInTheForegroundAndReportsCancelledOncePodsAreGone() throws Exception {
        String run = runOf("cancel", 0, "");
        Pod p = createPod(awaitJob(run, 1));
        running(p);
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("RUNNING"));
        cluster.post("/api/v1/flow-runs/" + run + "/cancel", "", 200);
        await().atMost(WAIT).until(() -> job(run, 1) == null);
        assertThat(foregroundDeleteSeen("fp-" + run + "-1")).isTrue();
        // The pod is still there (garbage collection is the cluster's): not yet CANCELLED.
        await().during(java.time.Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> !cluster.stateType(run).equals("CANCELLED"));
        kube.pods().inNamespace(NS).withName(name(p)).delete();
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("CANCELLED"));
    }

    @Test
    void aLostLeaseDeletesTheJob() throws Exception {
        String run = runOf("lost", 0, "");
        Pod p = createPod(awaitJob(run, 1));
        running(p);
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("RUNNING"));
        // The control plane gives the run up (as its reaper does when a lease expires).
        cluster.controlPlane().services().execution().ledger().transition(UUID.fromString(run),
                r -> StateChange.of(StateType.CRASHED, Actor.SERVER));
        await().atMost(WAIT).until(() -> job(run, 1) == null);
        kube.pods().inNamespace(NS).withName(name(p)).delete();
        // Nothing more is reported for a run the control plane gave up.
        await().during(java.time.Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> cluster.stateType(run).equals("CRASHED"));
    }

    @Test
    void anAgentKilledMidRunIsRestartedAdoptsItsJobAndItsLogContinuesWithoutGapsOrDuplicates() throws Exception {
        String pool = "k8s-restart";
        cluster.post("/api/v1/work-pools", "{\"name\":\"" + pool + "\",\"type\":\"kubernetes\",\"baseJobTemplate\":"
                + "{\"variables\":{\"namespace\":\"" + NS + "\"}}}", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"restart\",\"flowName\":\"restart\",\"workPool\":\"" + pool
                + "\",\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
                users: [{name: mock, user: {token: "t"}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: %s}}]
                current-context: mock
                """.formatted(server.getPort(), NS));
        Path stateDir = dir.resolve("restart-agent");
        Path yaml = AgentProcess.yaml(dir, "127.0.0.1:" + cluster.grpcPort(), pool, stateDir, """
                name: restart-agent
                kubernetes:
                  kubeconfig: "%s"
                  pollInterval: 50ms
                """.formatted(kubeconfig));
        Process first = AgentProcess.start(yaml, dir.resolve("restart-agent.log"));
        Agent second = null;
        try {
            String run = cluster.run("restart");
            Job job = awaitJob(run, 1);
            Pod p = createPod(job);
            LOGS.put(name(p), "a\nb\n");
            running(p);
            await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 2);
            AgentProcess.killNine(first);
            LOGS.put(name(p), "a\nb\nc\n");
            AgentConfig c = config("restart-agent");
            c.pool = pool;
            c.stateDir = stateDir.toString();
            second = startAgent(c);
            await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 3);
            LOGS.put(name(p), "a\nb\nc\nd\n");
            terminated(p, 0, "Completed");
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).containsExactly("a", "b", "c", "d");
            assertThat(jobs(run)).hasSize(1);
            assertThat(cluster.flowRun(run).get("attempt").asInt()).isEqualTo(1);
        } finally {
            if (first.isAlive()) {
                first.destroyForcibly();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void anAgentShutDownLeavesItsJobRunningForTheNextOneToAdopt() throws Exception {
        // The default template (no namespace): the Job goes to the agent's namespace, where the next one adopts it.
        String pool = "k8s-upgrade";
        cluster.post("/api/v1/work-pools", "{\"name\":\"" + pool + "\",\"type\":\"kubernetes\"}", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"upgrade\",\"flowName\":\"upgrade\",\"workPool\":\"" + pool
                + "\",\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        AgentConfig c = config("upgrade-agent");
        c.pool = pool;
        c.shutdownGrace = Duration.ofMillis(200);
        Agent first = startAgent(c);
        Agent second = null;
        try {
            String run = cluster.run("upgrade");
            Pod p = createPod(awaitJob(run, 1));
            LOGS.put(name(p), "before\n");
            running(p);
            await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 1);
            first.close();
            assertThat(job(run, 1)).as("the Job outlives the agent's shutdown").isNotNull();
            assertThat(cluster.stateType(run)).isEqualTo("RUNNING");
            LOGS.put(name(p), "before\nafter\n");
            second = startAgent(c);
            terminated(p, 0, "Completed");
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).containsExactly("before", "after");
            assertThat(jobs(run)).hasSize(1);
            // Neither handed back nor crashed: one attempt, carried on by the next agent.
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aLongLogIsNotDownloadedAgainOnEveryPollOnlyFromItsLastShippedSecond() throws Exception {
        String run = runOf("longlog", 0, "");
        Pod p = createPod(awaitJob(run, 1));
        StringBuilder log = new StringBuilder();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 1; i <= 3000; i++) {
            log.append("line ").append(i).append(" of a long log\n");
            expected.add("line " + i + " of a long log");
        }
        LOGS.put(name(p), log.toString());
        running(p);
        await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 3000);
        int full = SERVED.get(name(p)).stream().mapToInt(Integer::intValue).max().orElse(0);
        assertThat(full).isGreaterThan(3000 * 20);
        // One more line, stamped in a later second than the 3000.
        java.time.Instant first = STAMPS.get(name(p)).get(0).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        await().atMost(WAIT).until(() -> java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(first));
        LOGS.put(name(p), log + "the last line\n");
        expected.add("the last line");
        await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 3001);
        int served = SERVED.get(name(p)).size();
        await().atMost(WAIT).until(() -> SERVED.get(name(p)).size() >= served + 5);
        // Each poll now reads the last shipped second only: that one line, not the 3000 before it.
        List<Integer> later = SERVED.get(name(p)).subList(served, served + 5);
        assertThat(later).allSatisfy(bytes -> assertThat(bytes).isLessThan(100));
        terminated(p, 0, "Completed");
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
        assertThat(cluster.logMessages(run)).containsExactlyElementsOf(expected);
        assertThat(REQUESTS).filteredOn(r -> r.startsWith("GET ") && r.contains("/pods/" + name(p) + "/log"))
                .allSatisfy(r -> assertThat(r).contains("timestamps=true"));
    }

    @Test
    void aSecretsValueAppearsNowhereTheAgentSentNeitherToTheControlPlaneNorToTheApiServer() throws Exception {
        cluster.post("/api/v1/deployments", """
                {"name":"canary","flowName":"canary","workPool":"k8s",
                 "entrypoint":{"command":["run"],"env":{"TOKEN":"${secret:DB_PASSWORD}","DSN":"u:${secret:DB_PASSWORD}@h"}}}""",
                201);
        String run = cluster.run("canary");
        Job job = awaitJob(run, 1);
        Pod p = createPod(job);
        LOGS.put(name(p), "connecting with " + SECRET + "\n");
        running(p);
        await().atMost(WAIT).until(() -> cluster.logMessages(run).size() == 1);
        LOGS.put(name(p), "connecting with " + SECRET + "\nfailed: bad password " + SECRET + "\n");
        terminated(p, 1, "Error");
        await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
        assertThat(cluster.logMessages(run)).containsExactly("connecting with [redacted]", "failed: bad password [redacted]");

        // The API server: the Job the agent posted refers to the Kubernetes Secret, and no request carried the value.
        List<String> posted = REQUESTS.stream().filter(r -> r.startsWith("POST ") && r.contains("/jobs")
                && r.contains("fp-" + run + "-1")).toList();
        assertThat(posted).hasSize(1);
        assertThat(posted.get(0)).contains("secretKeyRef").contains("db-password");
        assertThat(REQUESTS).isNotEmpty().noneMatch(r -> r.contains(SECRET));

        // The control plane, over REST: the run, its states, its log, every event.
        assertThat(cluster.flowRun(run).toString()).doesNotContain(SECRET);
        assertThat(cluster.get("/api/v1/flow-runs/" + run + "/states").toString()).doesNotContain(SECRET)
                .contains("exit code 1");
        assertThat(cluster.logLines(run).toString()).doesNotContain(SECRET);
        assertThat(cluster.get("/api/v1/flow-runs?deployment=canary").toString()).doesNotContain(SECRET);
        long cursor = 0;
        int events = 0;
        while (true) {
            JsonNode page = cluster.get("/api/v1/events?limit=500&cursor=" + cursor);
            assertThat(page.toString()).doesNotContain(SECRET);
            events += page.get("items").size();
            if (page.get("items").isEmpty()) {
                break;
            }
            cursor = page.get("nextCursor").asLong();
        }
        assertThat(events).isPositive();
        // And in its database files (H2: written out first), every byte of them.
        Path cpDir = dir.resolve("cp");
        List<Path> files;
        try (var walk = Files.walk(cpDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        if (files.stream().anyMatch(f -> f.toString().endsWith(".mv.db"))) {
            cluster.controlPlane().services().core().store().useTransaction(unit -> unit.handle().execute("CHECKPOINT SYNC"));
            byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
            byte[] known = "${secret:DB_PASSWORD}".getBytes(StandardCharsets.UTF_8);
            boolean sawKnown = false;
            for (Path f : files) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(indexOf(bytes, needle)).as("the secret's value in " + f).isEqualTo(-1);
                sawKnown |= indexOf(bytes, known) >= 0;
            }
            assertThat(sawKnown).as("the scan reads the stored deployments (their ${secret:…} references)").isTrue();
        }
    }

    @Test
    void aJobAlreadyThereWhenTheAgentClaimsTheRunIsFollowedAndNoSecondOneIsMade() throws Exception {
        String pool = "k8s-repeat";
        cluster.post("/api/v1/work-pools", "{\"name\":\"" + pool + "\",\"type\":\"kubernetes\",\"baseJobTemplate\":"
                + "{\"variables\":{\"namespace\":\"" + NS + "\"}}}", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"repeat\",\"flowName\":\"repeat\",\"workPool\":\"" + pool
                + "\",\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        String run = cluster.run("repeat");
        // What an earlier claim of this attempt left (an agent that created the Job, then died before
        // it could record it): the Job with the deterministic name, labelled for the run and attempt.
        Map<String, String> labels = Map.of("flowplane.io/run-id", run, "flowplane.io/attempt", "1");
        kube.batch().v1().jobs().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata().withName("fp-" + run + "-1").withNamespace(NS).withLabels(labels)
                .addToLabels("made-by", "earlier-claim").endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("flow").withImage("acme/earlier:1")
                .withCommand("run").endContainer().endSpec().endTemplate().endSpec().build()).create();

        AgentConfig c = config("repeat-agent");
        c.pool = pool;
        try (Agent repeat = startAgent(c)) {
            // The agent's own create was refused (409): it follows the Job that is there.
            await().atMost(WAIT).until(() -> REQUESTS.stream().filter(r -> r.startsWith("POST ") && r.contains("/jobs")
                    && r.contains("fp-" + run + "-1") && !r.contains("earlier-claim")).count() == 1);
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("PENDING"));
            Job job = job(run, 1);
            assertThat(job.getMetadata().getLabels()).containsEntry("made-by", "earlier-claim");
            assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("acme/earlier:1");
            Pod p = createPod(job);
            LOGS.put(name(p), "from the existing job\n");
            running(p);
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("RUNNING"));
            terminated(p, 0, "Completed");
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("COMPLETED"));
            assertThat(cluster.logMessages(run)).containsExactly("from the existing job");
            assertThat(jobs(run)).hasSize(1);
            assertThat(cluster.flowRun(run).get("attempt").asInt()).isEqualTo(1);
            assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
        }
    }

    @Test
    void aJobOfAnotherRunWithTheNameFailsTheRunInsteadOfBeingFollowed() throws Exception {
        String pool = "k8s-foreign";
        cluster.post("/api/v1/work-pools", "{\"name\":\"" + pool + "\",\"type\":\"kubernetes\",\"baseJobTemplate\":"
                + "{\"variables\":{\"namespace\":\"" + NS + "\"}}}", 201);
        cluster.post("/api/v1/deployments", "{\"name\":\"foreign\",\"flowName\":\"foreign\",\"workPool\":\"" + pool
                + "\",\"entrypoint\":{\"command\":[\"run\"]}}", 201);
        String run = cluster.run("foreign");
        kube.batch().v1().jobs().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata().withName("fp-" + run + "-1").withNamespace(NS)
                .withLabels(Map.of("flowplane.io/run-id", UUID.randomUUID().toString())).endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("flow")
                .withImage("someone/else:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
        AgentConfig c = config("foreign-agent");
        c.pool = pool;
        try (Agent foreign = startAgent(c)) {
            await().atMost(WAIT).until(() -> cluster.stateType(run).equals("FAILED"));
            assertThat(cluster.flowRun(run).at("/state/message").asText()).contains("exists that this agent did not create");
            assertThat(job(run, 1).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .as("left alone").isEqualTo("someone/else:1");
        }
    }

    /** A request as RBAC authorizes it: "namespace group/resource verb" (namespace "-": cluster-wide). */
    private static String rbac(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        String query = q < 0 ? "" : path.substring(q + 1);
        String[] seg = (q < 0 ? path : path.substring(0, q)).replaceFirst("^/", "").split("/");
        // /api/v1/... or /apis/GROUP/VERSION/...
        int i = seg[0].equals("api") ? 2 : 3;
        String group = seg[0].equals("api") ? "" : seg[1];
        String namespace = "-";
        if (seg.length > i + 1 && seg[i].equals("namespaces")) {
            namespace = seg[i + 1];
            i += 2;
        }
        String resource = seg.length > i ? seg[i] : "";
        boolean named = seg.length > i + 1;
        if (seg.length > i + 2) {
            resource += "/" + seg[i + 2];
        }
        String verb = switch (request.getMethod()) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> request.getMethod();
        };
        return namespace + " " + group + "/" + resource + " " + verb;
    }

    /** When the Job's pod is gone at the latest if the agent stops renewing it: Kubernetes' deadline from {@code started}, then the pod's grace. */
    private static java.time.Instant podGoneBy(Job job, java.time.Instant started) {
        Long grace = job.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        return started.plusSeconds(job.getSpec().getActiveDeadlineSeconds() + (grace == null ? 30 : grace));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------ the cluster's part

    private static String runOf(String name, int retries, String extra) throws Exception {
        cluster.post("/api/v1/deployments", "{\"name\":\"" + name + "\",\"flowName\":\"" + name + "\",\"workPool\":\"k8s\","
                + "\"retries\":" + retries + ",\"retryDelaysSeconds\":[0],\"entrypoint\":{\"command\":[\"run\"]}" + extra + "}", 201);
        return cluster.run(name);
    }

    private static Job awaitJob(String run, int attempt) {
        return await().atMost(WAIT).until(() -> job(run, attempt), j -> j != null);
    }

    private static Job job(String run, int attempt) {
        return kube.batch().v1().jobs().inNamespace(NS).withName("fp-" + run + "-" + attempt).get();
    }

    private static List<Job> jobs(String run) {
        return kube.batch().v1().jobs().inNamespace(NS).withLabel("flowplane.io/run-id", run).list().getItems();
    }

    /** What the Job controller does: a pod from the Job's template, labelled like it; its log served by the "kubelet". */
    private static Pod createPod(Job job) {
        String name = job.getMetadata().getName() + "-" + Long.toHexString(System.nanoTime()).substring(0, 5);
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .withNewStatus().withPhase("Pending").endStatus().build();
        LOGS.put(name, "");
        return kube.pods().inNamespace(NS).resource(pod).create();
    }

    /**
     * The kubelet's log endpoint for the pods of {@link #LOGS}: {@code timestamps=true} prefixes each
     * line with its RFC 3339 timestamp (nanoseconds), {@code sinceTime} leaves out the lines stamped
     * before it. The lines a read sees first all get that read's time: lines sharing a timestamp, and
     * reads within one second, are what the reader has to tell apart. Null for any other request.
     */
    private static MockResponse kubeletLog(RecordedRequest request) {
        String path = request.getPath();
        String prefix = "/api/v1/namespaces/" + NS + "/pods/";
        int q = path.indexOf('?');
        String resource = q < 0 ? path : path.substring(0, q);
        if (!"GET".equals(request.getMethod()) || !resource.startsWith(prefix) || !resource.endsWith("/log")) {
            return null;
        }
        String pod = resource.substring(prefix.length(), resource.length() - "/log".length());
        String text = LOGS.get(pod);
        if (text == null) {
            return null;
        }
        Map<String, String> query = new HashMap<>();
        for (String kv : q < 0 ? new String[0] : path.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            query.put(eq < 0 ? kv : kv.substring(0, eq),
                    eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        java.time.Instant since = query.containsKey("sinceTime")
                ? java.time.OffsetDateTime.parse(query.get("sinceTime")).toInstant() : null;
        boolean timestamps = "true".equals(query.get("timestamps"));
        String[] parts = text.split("\n", -1);
        int entries = parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        List<java.time.Instant> stamps = STAMPS.computeIfAbsent(pod, k -> new CopyOnWriteArrayList<>());
        java.time.Instant now = java.time.Instant.now();
        while (stamps.size() < entries) {
            stamps.add(stamps.isEmpty() || now.isAfter(stamps.get(stamps.size() - 1)) ? now : stamps.get(stamps.size() - 1));
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < entries; i++) {
            if (since != null && stamps.get(i).isBefore(since)) {
                continue;
            }
            if (timestamps) {
                body.append(RFC3339_NANO.format(stamps.get(i))).append(' ');
            }
            body.append(parts[i]);
            if (i < parts.length - 1) {
                body.append('\n');
            }
        }
        SERVED.computeIfAbsent(pod, k -> new CopyOnWriteArrayList<>()).add(body.length());
        return new MockResponse().setResponseCode(200).setBody(body.toString());
    }

    private static void running(Pod p) {
        status(p, new PodStatusBuilder().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName("flow").withNewState().withNewRunning().endRunning().endState().build()).build());
    }

    private static void terminated(Pod p, int code, String reason) {
        status(p, new PodStatusBuilder().withPhase(code == 0 ? "Succeeded" : "Failed").withContainerStatuses(
                new ContainerStatusBuilder().withName("flow").withNewState().withNewTerminated().withExitCode(code)
                        .withReason(reason).endTerminated().endState().build()).build());
    }

    private static void status(Pod p, io.fabric8.kubernetes.api.model.PodStatus status) {
        kube.pods().inNamespace(NS).withName(name(p)).editStatus(pod -> {
            pod.setStatus(status);
            return pod;
        });
    }

    private static String name(Pod p) {
        return p.getMetadata().getName();
    }

    private static EnvVar env(List<EnvVar> env, String name) {
        return env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(
                "no env var " + name + " in " + env));
    }

    /** Whether a DELETE of the Job asked for foreground propagation. */
    private static boolean foregroundDeleteSeen(String job) throws InterruptedException {
        while (true) {
            var r = server.takeRequest(1, TimeUnit.SECONDS);
            if (r == null) {
                return false;
            }
            if (r.getMethod().equals("DELETE") && r.getPath().contains("/jobs/" + job)
                    && r.getBody().readUtf8().contains("Foreground")) {
                return true;
            }
        }
    }
}
