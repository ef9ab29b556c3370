package io.flowplane.cli.deployments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.CliException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeploymentFileTest {

    @Test
    void expandsDefaultsFlowNameShellCommandsAndIntervals() {
        List<ObjectNode> d = DeploymentFile.parse("""
                defaults:
                  workPool: default
                  retries: 1
                deployments:
                  - name: hello
                    entrypoint:
                      command: echo hi && echo there
                    schedules:
                      - interval: 15m
                        timezone: Europe/Berlin
                  - name: etl
                    flowName: sales
                    workPool: batch
                    entrypoint:
                      command: [java, -jar, etl.jar]
                      env: {DB_PASSWORD: "${secret:db_password}"}
                """, "test.yaml");
        assertThat(d).hasSize(2);
        assertThat(d.get(0).toString()).isEqualTo("{\"workPool\":\"default\",\"retries\":1,\"name\":\"hello\","
                + "\"entrypoint\":{\"command\":[\"sh\",\"-c\",\"echo hi && echo there\"]},"
                + "\"schedules\":[{\"timezone\":\"Europe/Berlin\",\"intervalSeconds\":900.0}],\"flowName\":\"hello\"}");
        assertThat(d.get(1).get("flowName").asText()).isEqualTo("sales");
        assertThat(d.get(1).get("workPool").asText()).isEqualTo("batch");
        assertThat(d.get(1).at("/entrypoint/env/DB_PASSWORD").asText()).isEqualTo("${secret:db_password}");
    }

    @Test
    void shapeErrorsNameTheFileAndPlace() {
        assertThatThrownBy(() -> DeploymentFile.parse("deployments:\n  - name: a\n    x: [\n", "f.yaml"))
                .isInstanceOf(CliException.class).hasMessageStartingWith("f.yaml:").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> DeploymentFile.parse("name: a\n", "f.yaml"))
                .hasMessageContaining("expected a mapping with a 'deployments:' list");
        assertThatThrownBy(() -> DeploymentFile.parse("deployments: []\ndeploy: 1\n", "f.yaml"))
                .hasMessageContaining("unknown top-level key 'deploy'");
        assertThatThrownBy(() -> DeploymentFile.parse("deployments:\n  - flowName: x\n", "f.yaml"))
                .hasMessageContaining("deployments[0]: 'name' is required");
        assertThatThrownBy(() -> DeploymentFile.parse("deployments:\n  - name: a\n  - name: a\n", "f.yaml"))
                .hasMessageContaining("deployments[0] and deployments[1] are both named 'a'");
        assertThatThrownBy(() -> DeploymentFile.parse(
                "deployments:\n  - name: a\n    schedules: [{interval: soon}]\n", "f.yaml"))
                .hasMessageContaining("deployments[0].schedules[0].interval: 'soon' is not a duration");
        assertThatThrownBy(() -> DeploymentFile.read(Path.of("does-not-exist.yaml")))
                .hasMessageContaining("no does-not-exist.yaml here");
    }

    @Test
    void anArtifactPathIsMadeAbsoluteAndHashedWhenTheFileGivesNoSha256(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("target"));
        java.nio.file.Files.writeString(dir.resolve("target/flows.jar"), "abc");
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        List<ObjectNode> d = DeploymentFile.parse("""
                deployments:
                  - name: local
                    source: {artifact: {url: target/flows.jar}}
                  - name: published
                    source: {artifact: {url: "https://repo.example/flows.jar", sha256Of: target/flows.jar}}
                  - name: given
                    source: {artifact: {url: "https://repo.example/flows.jar", sha256: "%s"}}
                  - name: git
                    source: {git: {url: "https://git.example/flows.git"}}
                """.formatted("0".repeat(64)), "f.yaml", dir);

        assertThat(d.get(0).at("/source/artifact/url").asText()).isEqualTo(dir.resolve("target/flows.jar").toString());
        assertThat(d.get(0).at("/source/artifact/sha256").asText()).isEqualTo(abc);
        assertThat(d.get(1).at("/source/artifact/url").asText()).isEqualTo("https://repo.example/flows.jar");
        assertThat(d.get(1).at("/source/artifact/sha256").asText()).isEqualTo(abc);
        assertThat(d.get(1).at("/source/artifact").has("sha256Of")).isFalse();
        assertThat(d.get(2).at("/source/artifact/sha256").asText()).isEqualTo("0".repeat(64));
        assertThat(d.get(3).get("source").toString()).isEqualTo("{\"git\":{\"url\":\"https://git.example/flows.git\"}}");

        assertThatThrownBy(() -> DeploymentFile.parse("deployments:\n  - name: a\n    source: {artifact: {url: nope.jar}}\n",
                "f.yaml", dir)).isInstanceOf(CliException.class)
                .hasMessageContaining("f.yaml: deployments[0].source.artifact.url: no file " + dir.resolve("nope.jar"))
                .hasMessageContaining("build it first");
    }

    @Test
    void automationsAreReadNextToDeploymentsAndCheckedForShape() {
        String file = """
                deployments:
                  - name: a
                automations:
                  - name: b-after-a
                    trigger: {match: {types: [flow-run.completed], deployment: a}}
                    actions: [{type: run-deployment, deployment: b}]
                """;
        assertThat(DeploymentFile.parse(file, "f.yaml")).hasSize(1);
        List<ObjectNode> automations = DeploymentFile.automations(file, "f.yaml");
        assertThat(automations).hasSize(1);
        assertThat(automations.get(0).at("/trigger/match/types/0").asText()).isEqualTo("flow-run.completed");
        assertThat(DeploymentFile.automations("deployments: []\n", "f.yaml")).isEmpty();
        assertThatThrownBy(() -> DeploymentFile.automations("deployments: []\nautomations: {name: x}\n", "f.yaml"))
                .hasMessageContaining("'automations' must be a list");
        assertThatThrownBy(() -> DeploymentFile.automations(
                "deployments: []\nautomations:\n  - name: x\n  - name: x\n", "f.yaml"))
                .hasMessageContaining("automations[0] and automations[1] are both named 'x'");
        assertThatThrownBy(() -> DeploymentFile.automations("deployments: []\nautomations:\n  - trigger: {}\n", "f.yaml"))
                .hasMessageContaining("automations[0] must be a mapping with a 'name'");
    }

    @Test
    void deploymentTriggersAreAutomationsPassingTheUpstreamRunId() {
        String file = """
                deployments:
                  - name: a
                  - name: b
                    triggers: [{after: a}]
                  - name: c
                    triggers:
                      - {after: b, parameter: fromB}
                      - {after: a, state: FAILED}
                """;
        List<ObjectNode> deployments = DeploymentFile.parse(file, "f.yaml");
        assertThat(deployments).allSatisfy(d -> assertThat(d.has("triggers")).isFalse());
        List<ObjectNode> automations = DeploymentFile.automations(file, "f.yaml");
        assertThat(automations).extracting(a -> a.get("name").asText())
                .containsExactly("b-after-a", "c-after-b", "c-after-a-failed");
        ObjectNode cAfterB = automations.get(1);
        assertThat(cAfterB.at("/trigger/match/types/0").asText()).isEqualTo("flow-run.completed");
        assertThat(cAfterB.at("/trigger/match/deployment").asText()).isEqualTo("b");
        assertThat(cAfterB.at("/actions/0/deployment").asText()).isEqualTo("c");
        assertThat(cAfterB.at("/actions/0/parameters/fromB").asText()).isEqualTo("{{ event.run.id }}");
        assertThat(automations.get(2).at("/trigger/match/types/0").asText()).isEqualTo("flow-run.failed");
        assertThatThrownBy(() -> DeploymentFile.automations("deployments:\n  - name: x\n    triggers: [{state: FAILED}]\n",
                "f.yaml")).hasMessageContaining("deployments[0].triggers[0]: 'after'");
    }

    @Test
    void theShippedExampleFileParses() {
        List<ObjectNode> d = DeploymentFile.read(Path.of("..", "examples", "flowplane.yaml"));
        assertThat(d).extracting(n -> n.get("name").asText()).contains("hello");
    }
}
