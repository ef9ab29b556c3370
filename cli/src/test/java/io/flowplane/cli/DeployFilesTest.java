package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML file under deploy/ parses, and the Kubernetes manifests hold the objects the docs promise. */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("control-plane.yml", "agent.yml", "control-plane.yaml", "agent.yaml", "kustomization.yaml");
        for (Path f : files) {
            assertThat(documents(f)).as(f.toString()).isNotEmpty();
        }
    }

    @Test
    void kubernetesManifestsHaveTheExpectedKinds() throws IOException {
        assertThat(kinds("control-plane.yaml"))
                .containsExactly("ConfigMap", "PersistentVolumeClaim", "Deployment", "Service");
        assertThat(kinds("agent.yaml")).containsExactly("ConfigMap", "Deployment");
        JsonNode kustomization = documents(DEPLOY.resolve("kubernetes/kustomization.yaml")).get(0);
        for (JsonNode r : kustomization.path("resources")) {
            assertThat(DEPLOY.resolve("kubernetes").resolve(r.asText())).exists();
        }
        for (Path f : List.of(DEPLOY.resolve("kubernetes/control-plane.yaml"), DEPLOY.resolve("kubernetes/agent.yaml"))) {
            for (JsonNode doc : documents(f)) {
                assertThat(doc.path("apiVersion").asText()).as(f + " apiVersion").isNotEmpty();
                assertThat(doc.path("metadata").path("name").asText()).as(f + " name").isNotEmpty();
                if (doc.path("kind").asText().equals("Deployment")) {
                    // The selector must match the pod labels, or the Deployment is rejected.
                    JsonNode selector = doc.at("/spec/selector/matchLabels");
                    JsonNode labels = doc.at("/spec/template/metadata/labels");
                    selector.fields().forEachRemaining(e ->
                            assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
                }
            }
        }
    }

    @Test
    void embeddedConfigFilesAreYamlToo() throws IOException {
        for (JsonNode doc : documents(DEPLOY.resolve("kubernetes/control-plane.yaml"))) {
            if (doc.path("kind").asText().equals("ConfigMap")) {
                JsonNode cp = YAML.readTree(doc.at("/data/control-plane.yml").asText());
                assertThat(cp.at("/database/url").asText()).startsWith("jdbc:h2:file:/var/lib/flowplane/");
                assertThat(cp.at("/grpc/port").asInt()).isEqualTo(9090);
            }
        }
        for (JsonNode doc : documents(DEPLOY.resolve("kubernetes/agent.yaml"))) {
            if (doc.path("kind").asText().equals("ConfigMap")) {
                JsonNode agent = YAML.readTree(doc.at("/data/agent.yml").asText());
                assertThat(agent.path("pool").asText()).isEqualTo("default");
            }
        }
    }

    private static List<String> kinds(String file) throws IOException {
        return documents(DEPLOY.resolve("kubernetes").resolve(file)).stream().map(d -> d.path("kind").asText()).toList();
    }

    private static List<JsonNode> documents(Path f) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

}
