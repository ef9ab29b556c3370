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

    /** The high-availability overlay, rendered by kustomize the way `kubectl apply -k` would. */
    @Test
    void theHaOverlayRendersThreeReplicasOnPostgresWithoutTheVolume() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed: overlay not rendered");
        Process p = new ProcessBuilder("kubectl", "kustomize", DEPLOY.resolve("kubernetes-ha").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String rendered = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
            it.forEachRemaining(docs::add);
        }
        assertThat(docs).extracting(d -> d.path("kind").asText()).doesNotContain("PersistentVolumeClaim")
                .contains("PodDisruptionBudget");
        for (JsonNode d : docs) {
            String name = d.at("/metadata/name").asText();
            // Every namespaced object in the Deployments' namespace: a Service or PDB elsewhere selects no pods.
            if (!d.path("kind").asText().equals("Namespace")) {
                assertThat(d.at("/metadata/namespace").asText()).as("namespace of %s/%s", d.path("kind").asText(), name)
                        .isEqualTo("flowplane");
            }
            switch (d.path("kind").asText() + "/" + name) {
                case "Deployment/flowplane-control-plane" -> {
                    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(3);
                    assertThat(d.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
                    assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
                    // A leftover patch directive is rejected by the API server.
                    assertThat(d.at("/spec/strategy").toString()).doesNotContain("$retainKeys");
                    JsonNode container = d.at("/spec/template/spec/containers/0");
                    assertThat(container.path("volumeMounts").toString()).contains("/etc/flowplane").doesNotContain("/var/lib/flowplane");
                    assertThat(d.at("/spec/template/spec/volumes").toString()).doesNotContain("persistentVolumeClaim");
                }
                case "ConfigMap/flowplane-control-plane" -> assertThat(YAML.readTree(d.at("/data/control-plane.yml").asText())
                        .at("/database/url").asText()).startsWith("jdbc:postgresql:");
                case "ConfigMap/flowplane-agent" -> assertThat(YAML.readTree(d.at("/data/agent.yml").asText())
                        .path("url").asText()).isEqualTo("flowplane-control-plane-grpc:9090");
                case "Service/flowplane-control-plane-grpc" -> assertThat(d.at("/spec/clusterIP").asText()).isEqualTo("None");
                case "PodDisruptionBudget/flowplane-control-plane" -> assertThat(d.at("/spec/minAvailable").asInt()).isEqualTo(2);
                default -> {
                }
            }
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
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

    /**
     * Each shipped control-plane configuration builds the way `flowplane server --config` builds
     * it (Dropwizard's factory, environment substitution, validation): a sample that parses as
     * YAML but not as a configuration does not start (a `metrics:` section of our own once
     * collided with Dropwizard's).
     */
    @Test
    void shippedControlPlaneConfigurationsBuildAndValidate() throws Exception {
        List<String> configs = new ArrayList<>(List.of(Files.readString(DEPLOY.resolve("control-plane.yml"))));
        for (JsonNode doc : documents(DEPLOY.resolve("kubernetes/control-plane.yaml"))) {
            if (doc.path("kind").asText().equals("ConfigMap")) {
                configs.add(doc.at("/data/control-plane.yml").asText());
            }
        }
        var factory = new io.dropwizard.configuration.YamlConfigurationFactory<>(
                io.flowplane.controlplane.app.ControlPlaneConfiguration.class,
                io.dropwizard.jersey.validation.Validators.newValidator(), io.dropwizard.jackson.Jackson.newObjectMapper(),
                "dw");
        for (String yaml : configs) {
            var source = new io.dropwizard.configuration.SubstitutingSourceProvider(
                    path -> new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    new io.dropwizard.configuration.EnvironmentVariableSubstitutor(false));
            var config = factory.build(source, "control-plane.yml");
            assertThat(config.getPrometheus().gaugeCacheTtl.toSeconds()).isPositive();
        }
        assertThat(configs).hasSizeGreaterThanOrEqualTo(2);
    }

    /** The JVM options of deploy/jvm/ reach every way of starting an agent or a control plane. */
    @Test
    void everyStartLineUsesTheShippedJvmOptions() throws IOException {
        String agentOptions = "@/opt/flowplane/agent.options";
        String serverOptions = "@/opt/flowplane/server.options";
        assertThat(read("docker/agent.Dockerfile")).contains("COPY deploy/jvm/agent.options /opt/flowplane/agent.options")
                .contains("\"" + agentOptions + "\"");
        assertThat(read("docker/control-plane.Dockerfile")).contains("COPY deploy/jvm/server.options /opt/flowplane/server.options")
                .contains("-XX:ArchiveClassesAtExit=/opt/flowplane/server.jsa")
                .contains("\"" + serverOptions + "\"").contains("\"-XX:SharedArchiveFile=/opt/flowplane/server.jsa\"");
        assertThat(execStart("systemd/flowplane-agent.service")).contains(" " + agentOptions + " ");
        assertThat(execStart("systemd/flowplane-control-plane.service")).contains(" " + serverOptions + " ")
                .contains("-XX:SharedArchiveFile=/var/lib/flowplane/flowplane-server.jsa");
        assertThat(read("systemd/flowplane-control-plane.service"))
                .contains("-XX:ArchiveClassesAtExit=/var/lib/flowplane/flowplane-server.jsa");
        assertThat(containerCommand("agent.yaml")).contains(agentOptions);
        assertThat(containerCommand("control-plane.yaml")).contains(serverOptions, "-XX:SharedArchiveFile=/opt/flowplane/server.jsa");
        String launcher = Files.readString(DEPLOY.resolveSibling("flowplane"));
        assertThat(launcher).contains("$here/deploy/jvm/agent.options", "$here/deploy/jvm/server.options",
                "-XX:SharedArchiveFile=", "io.flowplane.cli.server.CdsTraining");
    }

    /** A misspelt option, or one this JDK does not have, would stop the JVM from starting at all. */
    @Test
    void theJvmAcceptsEveryShippedOptionsFile() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String file : List.of("agent.options", "server.options")) {
            Path options = DEPLOY.resolve("jvm").resolve(file).toAbsolutePath();
            Process p = new ProcessBuilder(java, "@" + options, "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(file + ": " + out).isZero();
        }
    }

    private static String read(String file) throws IOException {
        return Files.readString(DEPLOY.resolve(file));
    }

    private static String execStart(String unit) throws IOException {
        return read(unit).lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    }

    private static List<String> containerCommand(String manifest) throws IOException {
        List<String> command = new ArrayList<>();
        for (JsonNode doc : documents(DEPLOY.resolve("kubernetes").resolve(manifest))) {
            if (doc.path("kind").asText().equals("Deployment")) {
                doc.at("/spec/template/spec/containers/0/command").forEach(c -> command.add(c.asText()));
            }
        }
        return command;
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
