package io.flowplane.controlplane.pools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.RegisterRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes work pools over REST: the default template, validation naming the field at create,
 * update and on deployments' overrides, and the resolved Job a claimed run carries over gRPC.
 */
class KubernetesPoolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POOLS = "/api/v1/work-pools";

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static GrpcTestClient grpc;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        grpc = new GrpcTestClient(cp.grpcPort());
    }

    @AfterAll
    static void stop() {
        if (grpc != null) {
            grpc.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @Test
    void aPoolCreatedWithoutTemplateGetsTheDefault() throws Exception {
        JsonNode pool = created("{\"name\":\"k-default\",\"type\":\"kubernetes\"}");
        JsonNode t = pool.get("baseJobTemplate");
        assertThat(t.at("/job/kind").asText()).isEqualTo("Job");
        assertThat(t.at("/job/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
        assertThat(t.at("/variables/image").asText()).isEqualTo("python:3.12-slim");
        // No namespace: the agent's own (its Role covers that one only); the resolved Job names none.
        assertThat(t.at("/variables").has("namespace")).isTrue();
        assertThat(t.at("/variables/namespace").isNull()).isTrue();
        assertThat(io.flowplane.controlplane.pools.kubernetes.JobTemplate.resolve(t, null).at("/metadata").has("namespace"))
                .isFalse();
        assertThat(t.at("/variables/ttlSecondsAfterFinished").asInt()).isEqualTo(3600);
        // Stored, not only echoed.
        assertThat(JSON.readTree(cp.admin("GET", POOLS + "/k-default", null).body()).get("baseJobTemplate")).isEqualTo(t);
        // A process pool shows no template.
        assertThat(created("{\"name\":\"p-plain\"}").has("baseJobTemplate")).isFalse();
    }

    @Test
    void givenVariablesAreKeptAndMissingOnesDefaulted() throws Exception {
        JsonNode t = created("{\"name\":\"k-given\",\"type\":\"kubernetes\",\"baseJobTemplate\":{\"variables\":"
                + "{\"image\":\"ghcr.io/acme/etl:1.2\",\"namespace\":\"flows\",\"nodeSelector\":{\"pool\":\"batch\"}}}}")
                .get("baseJobTemplate");
        assertThat(t.at("/variables/image").asText()).isEqualTo("ghcr.io/acme/etl:1.2");
        assertThat(t.at("/variables/namespace").asText()).isEqualTo("flows");
        assertThat(t.at("/variables/nodeSelector/pool").asText()).isEqualTo("batch");
        assertThat(t.at("/variables/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(t.at("/job/apiVersion").asText()).isEqualTo("batch/v1");

        HttpResponse<String> patched = cp.admin("PATCH", POOLS + "/k-given",
                "{\"baseJobTemplate\":{\"variables\":{\"image\":\"ghcr.io/acme/etl:1.3\"}}}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).at("/baseJobTemplate/variables/image").asText()).isEqualTo("ghcr.io/acme/etl:1.3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not an object|\"x\"|baseJobTemplate",
            "unknown top-level|{\"jobs\":{}}|baseJobTemplate.jobs",
            "wrong kind|{\"job\":{\"apiVersion\":\"batch/v1\",\"kind\":\"Pod\",\"spec\":{\"template\":{\"spec\":{\"containers\":[{}]}}}}}|baseJobTemplate.job.kind",
            "no containers|{\"job\":{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"spec\":{\"template\":{\"spec\":{\"containers\":[]}}}}}|baseJobTemplate.job.spec.template.spec.containers",
            "restart policy|{\"job\":{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":[{}]}}}}}|baseJobTemplate.job.spec.template.spec.restartPolicy",
            "unknown variable|{\"variables\":{\"imag\":\"x\"}}|baseJobTemplate.variables.imag",
            "blank image|{\"variables\":{\"image\":\" \"}}|baseJobTemplate.variables.image",
            "bad namespace|{\"variables\":{\"namespace\":\"Flows_1\"}}|baseJobTemplate.variables.namespace",
            "bad quantity|{\"variables\":{\"resources\":{\"limits\":{\"memory\":\"lots\"}}}}|baseJobTemplate.variables.resources.limits.memory",
            "bad resource group|{\"variables\":{\"resources\":{\"max\":{}}}}|baseJobTemplate.variables.resources.max",
            "command not strings|{\"variables\":{\"command\":[\"python\",1]}}|baseJobTemplate.variables.command",
            "reserved label|{\"variables\":{\"labels\":{\"flowplane.io/run-id\":\"x\"}}}|baseJobTemplate.variables.labels.flowplane.io/run-id",
            "toleration effect|{\"variables\":{\"tolerations\":[{\"key\":\"gpu\",\"effect\":\"Sometimes\"}]}}|baseJobTemplate.variables.tolerations[0].effect",
            "negative ttl|{\"variables\":{\"ttlSecondsAfterFinished\":-1}}|baseJobTemplate.variables.ttlSecondsAfterFinished",
            "reserved env|{\"variables\":{\"env\":{\"FLOWPLANE_API_KEY\":\"x\"}}}|baseJobTemplate.variables.env.FLOWPLANE_API_KEY",
    })
    void badTemplatesAreRefusedNamingTheField(String name, String template, String field) throws Exception {
        String pool = "k-bad-" + Math.abs(name.hashCode());
        assertProblem(cp.admin("POST", POOLS, "{\"name\":\"" + pool + "\",\"type\":\"kubernetes\",\"baseJobTemplate\":"
                + template + "}"), field);
        assertThat(cp.admin("GET", POOLS + "/" + pool, null).statusCode()).isEqualTo(404);
        // The same template is refused on update, and the stored one is left as it was.
        created("{\"name\":\"" + pool + "\",\"type\":\"kubernetes\"}");
        assertProblem(cp.admin("PATCH", POOLS + "/" + pool, "{\"baseJobTemplate\":" + template + "}"), field);
        assertThat(JSON.readTree(cp.admin("GET", POOLS + "/" + pool, null).body()).at("/baseJobTemplate/variables/image")
                .asText()).isEqualTo("python:3.12-slim");
    }

    @Test
    void aTemplateIsOnlyForKubernetesPools() throws Exception {
        assertProblem(cp.admin("POST", POOLS, "{\"name\":\"p-templ\",\"baseJobTemplate\":{}}"), "baseJobTemplate");
        assertProblem(cp.admin("POST", POOLS, "{\"name\":\"p-type\",\"type\":\"docker\"}"), "type");
    }

    @Test
    void deploymentOverridesAreValidatedAndOnlyForKubernetesPools() throws Exception {
        created("{\"name\":\"k-dep\",\"type\":\"kubernetes\"}");
        created("{\"name\":\"p-dep\"}");
        assertProblem(cp.admin("POST", "/api/v1/deployments", deployment("d-on-process", "p-dep",
                "{\"image\":\"x:1\"}")), "jobVariables");
        assertProblem(cp.admin("POST", "/api/v1/deployments", deployment("d-bad-mem", "k-dep",
                "{\"resources\":{\"limits\":{\"memory\":\"1 GB\"}}}")), "jobVariables.resources.limits.memory");
        assertProblem(cp.admin("POST", "/api/v1/deployments", deployment("d-bad-var", "k-dep",
                "{\"cpu\":\"1\"}")), "jobVariables.cpu");
        // Code from a source is fetched by process agents only: on a kubernetes pool it would be ignored.
        String withSource = deployment("d-source", "k-dep", "{\"image\":\"x:1\"}").replaceFirst("\\}$",
                ",\"source\":{\"git\":{\"url\":\"https://git.example.org/etl.git\",\"ref\":\"main\"}}}");
        assertProblem(cp.admin("POST", "/api/v1/deployments", withSource), "source");
        assertThat(cp.admin("GET", "/api/v1/deployments/d-source", null).statusCode()).isEqualTo(404);
        String onProcess = withSource.replace("\"k-dep\"", "\"p-dep\"").replace(",\"jobVariables\":{\"image\":\"x:1\"}", "");
        HttpResponse<String> accepted = cp.admin("POST", "/api/v1/deployments", onProcess);
        assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 201);
    }

    @Test
    void aClaimedRunCarriesTheResolvedJob() throws Exception {
        created("{\"name\":\"k-claim\",\"type\":\"kubernetes\",\"baseJobTemplate\":{\"variables\":{\"image\":\"acme/base:1\","
                + "\"namespace\":\"flows\",\"serviceAccountName\":\"flow-runner\",\"labels\":{\"team\":\"data\"},"
                + "\"resources\":{\"requests\":{\"cpu\":\"250m\"},\"limits\":{\"memory\":\"512Mi\"}},"
                + "\"tolerations\":[{\"key\":\"batch\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}],"
                + "\"env\":{\"MODE\":\"base\"},\"ttlSecondsAfterFinished\":600}}}");
        HttpResponse<String> d = cp.admin("POST", "/api/v1/deployments", deployment("d-claim", "k-claim",
                "{\"image\":\"acme/etl:2\",\"resources\":{\"limits\":{\"memory\":\"2Gi\"}},\"env\":{\"REGION\":\"eu\"}}"));
        assertThat(d.statusCode()).as(d.body()).isIn(200, 201);
        HttpResponse<String> run = cp.admin("POST", "/api/v1/deployments/d-claim/runs", "{}");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        grpc.agent(TestControlPlane.ADMIN_KEY).register(RegisterRequest.newBuilder().setAgentId("k-agent").setName("k-agent")
                .addPools("k-claim").setSlots(2).setVersion("test").setHostname("localhost").build());
        List<ClaimedRun> runs = grpc.agent(TestControlPlane.ADMIN_KEY).pollWork(PollWorkRequest.newBuilder()
                .setAgentId("k-agent").setPool("k-claim").setMaxRuns(1).build()).getRunsList();
        assertThat(runs).hasSize(1);
        JsonNode job = JSON.readTree(runs.get(0).getKubernetesJobJson());
        assertThat(job.at("/metadata/namespace").asText()).isEqualTo("flows");
        assertThat(job.at("/metadata/labels/team").asText()).isEqualTo("data");
        assertThat(job.at("/spec/ttlSecondsAfterFinished").asInt()).isEqualTo(600);
        JsonNode pod = job.at("/spec/template/spec");
        assertThat(pod.get("serviceAccountName").asText()).isEqualTo("flow-runner");
        assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("batch");
        JsonNode c = pod.at("/containers/0");
        assertThat(c.get("name").asText()).isEqualTo("flow");
        assertThat(c.get("image").asText()).isEqualTo("acme/etl:2");
        assertThat(c.at("/resources/limits/memory").asText()).isEqualTo("2Gi");
        assertThat(c.at("/resources/requests/cpu").asText()).isEqualTo("250m");
        assertThat(c.get("env").toString()).contains("MODE").contains("REGION");
        // A process pool's claim carries none.
        assertThat(runs.get(0).getEntrypoint().getCommandList()).containsExactly("python", "etl.py");
    }

    private static String deployment(String name, String pool, String jobVariables) {
        return "{\"name\":\"" + name + "\",\"flowName\":\"etl\",\"workPool\":\"" + pool + "\","
                + "\"entrypoint\":{\"command\":[\"python\",\"etl.py\"]},\"jobVariables\":" + jobVariables + "}";
    }

    private static JsonNode created(String body) throws Exception {
        HttpResponse<String> r = cp.admin("POST", POOLS, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private static void assertProblem(HttpResponse<String> r, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.toString()).as(r.body()).contains("\"" + field + "\"");
    }
}
