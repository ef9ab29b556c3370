package io.flowplane.agent.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes-agent renders offline with {@code kubectl kustomize} and grants the agent
 * exactly what the Kubernetes executor uses, in its own namespace: no ClusterRole, no Secrets.
 */
class KubernetesAgentManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "kubernetes-agent").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void rendersAndTheRoleGrantsExactlyWhatTheExecutorCalls() throws Exception {
        List<JsonNode> docs = render();
        Map<String, JsonNode> byKind = new TreeMap<>();
        docs.forEach(d -> byKind.merge(d.get("kind").asText(), d, (a, b) -> {
            throw new AssertionError("two " + a.get("kind").asText() + " objects");
        }));
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "Role", "RoleBinding",
                "ConfigMap", "StatefulSet");
        for (JsonNode d : docs) {
            if (!d.get("kind").asText().equals("Namespace")) {
                assertThat(d.at("/metadata/namespace").asText()).as(d.get("kind").asText()).isEqualTo("flowplane-flows");
            }
        }
        Map<String, TreeSet<String>> rules = new TreeMap<>();
        for (JsonNode rule : byKind.get("Role").get("rules")) {
            for (JsonNode group : rule.get("apiGroups")) {
                for (JsonNode resource : rule.get("resources")) {
                    TreeSet<String> verbs = new TreeSet<>();
                    rule.get("verbs").forEach(v -> verbs.add(v.asText()));
                    assertThat(rules.put(group.asText() + "/" + resource.asText(), verbs)).isNull();
                }
            }
            assertThat(rule.has("resourceNames")).isFalse();
        }
        // What the executor calls (JobExecution, KubernetesExecutor.recover, PodLogs); KubernetesExecutorTest
        // checks the agent's requests against the same list (AGENT_NEEDS).
        assertThat(rules).isEqualTo(KubernetesExecutorTest.AGENT_NEEDS);
        JsonNode binding = byKind.get("RoleBinding");
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(byKind.get("Role").at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(byKind.get("ServiceAccount").at("/metadata/name").asText());
        JsonNode pod = byKind.get("StatefulSet").at("/spec/template/spec");
        assertThat(pod.get("serviceAccountName").asText()).isEqualTo(byKind.get("ServiceAccount").at("/metadata/name").asText());
        // The agent's configuration selects the Kubernetes executor.
        Path file = Files.createTempFile("agent", ".yml");
        try {
            Files.writeString(file, byKind.get("ConfigMap").at("/data/agent.yml").asText());
            io.flowplane.agent.config.AgentConfig config = io.flowplane.agent.config.AgentConfig.load(file);
            assertThat(config.kubernetes).isNotNull();
            assertThat(config.kubernetes.namespace).isEqualTo("flowplane-flows");
            assertThat(config.kubernetes.kubeconfig).as("in-cluster: the pod's service account").isNull();
            assertThat(config.kubernetes.pendingLimit).isEqualTo(java.time.Duration.ofMinutes(5));
        } finally {
            Files.delete(file);
        }
    }

    /** {@code kubectl kustomize}, which needs no cluster. */
    private static List<JsonNode> render() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("kubectl"),
                "kubectl is not installed: deploy/kubernetes-agent not rendered");
        Process p = new ProcessBuilder("kubectl", "kustomize", DIR.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                JsonNode n = (JsonNode) it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    docs.add(n);
                }
            }
        }
        assertThat(Files.isDirectory(DIR)).isTrue();
        return docs;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
