package io.flowplane.agent;

import io.flowplane.agent.secrets.Redactor;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Canary secrets resolved from the agent's environment and from a secrets directory reach the
 * process, which echoes them; they appear in no stored log line and in no byte the agent sent to
 * the control plane (every byte recorded by a proxy in between).
 */
class SecretsTest {
    private static final String ENV_CANARY = "canary-env-7f3a9c1e5b";
    private static final String FILE_CANARY = "canary-file-42d8e6b0a1";

    @TempDir
    Path dir;

    @Test
    void resolvedSecretsNeverLeaveTheAgent() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("db_password"), FILE_CANARY + "\n");
        try (Cluster cluster = Cluster.start(dir, c -> { });
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("secrets");
            cluster.deployment("leaky", "secrets", List.of("sh", "-c",
                            "echo \"token=$TOKEN\"; echo \"password=$DB_PASSWORD\" >&2; "
                                    + "echo \"both: $TOKEN/$DB_PASSWORD\"; test \"$TOKEN\" = '" + ENV_CANARY + "'"),
                    Map.of("TOKEN", "${secret:api_token}", "DB_PASSWORD", "${secret:db_password}"), 0, null, null);
            cluster.deployment("missing", "secrets", List.of("sh", "-c", "echo never"),
                    Map.of("X", "${secret:nope}"), 0, null, null);

            var config = cluster.agentConfig("secrets", proxy.port());
            config.secretsDir = secrets.toString();
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("FLOWPLANE_SECRET_api_token", ENV_CANARY);
            cluster.startAgent(config, Agent.Options.defaults().withEnv(env));

            String run = cluster.run("leaky");
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            String missing = cluster.run("missing");
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(missing).equals("FAILED"));

            // The process saw the real values (the exit status checked one), the control plane none.
            assertThat(cluster.logMessages(run)).containsExactlyInAnyOrder("token=" + Redactor.MARKER,
                    "password=" + Redactor.MARKER, "both: " + Redactor.MARKER + "/" + Redactor.MARKER);
            assertThat(cluster.flowRun(missing).get("state").get("message").asText())
                    .contains("secret 'nope' is not known to this agent");

            String wire = new String(proxy.sentByClients(), StandardCharsets.ISO_8859_1);
            assertThat(wire).as("the recording holds the agent's messages").contains("token=" + Redactor.MARKER);
            assertThat(wire).doesNotContain(ENV_CANARY).doesNotContain(FILE_CANARY);
        }
    }
}
