package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.agent.audit.EgressAudit;
import io.flowplane.agent.audit.EgressAuditSummary;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.Http2Messages;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The egress audit lists every message the agent sent and nothing else: its (size, SHA-256)
 * records equal, as a multiset, the gRPC messages a recording proxy saw on the wire.
 */
class EgressAuditTest {
    @TempDir
    Path dir;

    @Test
    void theAuditListsExactlyWhatCrossedTheWire() throws Exception {
        Path auditFile;
        String run;
        List<byte[]> connections;
        try (Cluster cluster = Cluster.start(dir, c -> { });
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("audited");
            cluster.shellDeployment("hello", "audited", "echo one; echo two >&2; exit 3");
            var config = cluster.agentConfig("audited", proxy.port());
            config.egressAudit = true;
            Agent agent = cluster.startAgent(config, Agent.Options.defaults());
            run = cluster.run("hello");
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run).equals("FAILED"));
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.logMessages(run).size() == 2);
            agent.shutdown();
            agent.awaitTermination();
            auditFile = Path.of(config.stateDir).resolve(EgressAudit.FILE_NAME);
            connections = proxy.sentPerConnection();
        }
        List<String> onWire = new ArrayList<>();
        for (byte[] connection : connections) {
            for (byte[] message : Http2Messages.of(connection)) {
                onWire.add(message.length + ":" + sha256(message));
            }
        }
        List<String> audited = new ArrayList<>();
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(auditFile)) {
            JsonNode r = Cluster.JSON.readTree(line);
            records.add(r);
            audited.add(r.get("bytes").asLong() + ":" + r.get("sha256").asText());
        }
        assertThat(onWire).as("messages on the wire").hasSizeGreaterThan(3);
        assertThat(audited).containsExactlyInAnyOrderElementsOf(onWire);
        assertThat(records).extracting(r -> r.get("method").asText()).contains("flowplane.v1.AgentService/Register",
                "flowplane.v1.AgentService/PollWork", "flowplane.v1.RunEventsService/SendEvents");
        assertThat(records).filteredOn(r -> r.get("type").asText().equals("EventBatch"))
                .allSatisfy(r -> assertThat(r.get("runs").toString()).contains(run));

        EgressAuditSummary summary = EgressAuditSummary.read(auditFile);
        assertThat(summary.messages()).isEqualTo(onWire.size());
        assertThat(summary.runs()).containsExactly(run);
        assertThat(summary.events()).containsKeys("STATE", "LOG_LINES");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        summary.print(auditFile, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(onWire.size() + " messages", "runs: 1 (" + run + ")",
                "flowplane.v1.RunEventsService/SendEvents");
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
