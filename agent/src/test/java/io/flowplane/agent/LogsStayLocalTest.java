package io.flowplane.agent;

import io.flowplane.agent.locallogs.LocalLogs;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Logs stay local for one deployment: none of its line text crosses the proxy, the control plane
 * holds a count per batch and where the lines are, and the agent's local store has every line; the
 * other deployment's lines ship as usual.
 */
class LogsStayLocalTest {
    @TempDir
    Path dir;

    @Test
    void theLinesOfAKeptDeploymentNeverLeaveTheAgent() throws Exception {
        try (Cluster cluster = Cluster.start(dir, c -> { });
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("local");
            cluster.shellDeployment("private", "local", "echo private-line-1; echo 'private\tline-2' >&2; echo private-line-3");
            cluster.shellDeployment("public", "local", "echo public-line");
            var config = cluster.agentConfig("local", proxy.port());
            config.logsStayLocalFor = List.of("private");
            cluster.startAgent(config, Agent.Options.defaults());
            String kept = cluster.run("private");
            String shipped = cluster.run("public");
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(kept).equals("COMPLETED")
                    && cluster.stateType(shipped).equals("COMPLETED"));
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.logMessages(shipped).size() == 1);

            List<LocalLogs.Line> local = LocalLogs.read(Path.of(config.stateDir), kept);
            assertThat(local).extracting(LocalLogs.Line::message)
                    .containsExactlyInAnyOrder("private-line-1", "private\tline-2", "private-line-3");
            assertThat(local).filteredOn(l -> l.message().equals("private\tline-2")).singleElement()
                    .satisfies(l -> assertThat(l.stream() + " " + l.level()).isEqualTo("STDERR WARN"));

            List<String> stored = cluster.logMessages(kept);
            assertThat(stored).isNotEmpty().allSatisfy(m -> assertThat(m).matches("\\[\\d+ lines? kept on the agent: agent "
                    + config.name + ": `flowplane agent logs " + kept + " --state-dir .*`]"));
            assertThat(stored.stream().mapToInt(m -> Integer.parseInt(m.substring(1, m.indexOf(' ')))).sum()).isEqualTo(3);
            assertThat(cluster.logLines(kept)).extracting(l -> l.get("level").asText()).contains("WARN", "INFO");
            assertThat(cluster.logMessages(shipped)).containsExactly("public-line");

            String wire = new String(proxy.sentByClients(), StandardCharsets.ISO_8859_1);
            assertThat(wire).contains("public-line").contains("kept on the agent").doesNotContain("private-line")
                    .doesNotContain("line-2");
        }
    }
}
