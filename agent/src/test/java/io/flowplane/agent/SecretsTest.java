package io.flowplane.agent;

import io.flowplane.agent.secrets.Redactor;
import io.flowplane.agent.testing.CanaryFlow;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Canary secrets resolved from the agent's environment and from a secrets directory reach the
 * process, which leaks them; they appear, in none of their usual encodings, in a byte the agent sent
 * to the control plane (every byte recorded by a proxy in between), in a file under the control
 * plane's data directory, or in a REST answer.
 */
class SecretsTest {
    private static final String ENV_CANARY = "canary-env-7f3a9c1e5b";
    private static final String FILE_CANARY = "canary-file-42d8e6b0a1";
    /** Characters that JSON, URL and XML encodings change, so each form differs from the value. */
    private static final String CANARY = "Cn4ry\"/Q7zp+W&x9 Lk<m>";

    @TempDir
    Path dir;

    @Test
    void resolvedSecretsNeverLeaveTheAgent() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("db_password"), FILE_CANARY + "\n");
        Files.writeString(secrets.resolve("short"), "abc123\n");
        try (Cluster cluster = Cluster.start(dir, c -> { });
             TcpProxy proxy = new TcpProxy(cluster.grpcPort())) {
            cluster.pool("secrets");
            cluster.deployment("leaky", "secrets", List.of("sh", "-c",
                            "echo \"token=$TOKEN\"; echo \"password=$DB_PASSWORD\" >&2; "
                                    + "echo \"relay=$FLOWPLANE_EVENTS_TOKEN\"; "
                                    + "echo \"both: $TOKEN/$DB_PASSWORD\"; "
                                    + "test \"$(printf %s \"$TOKEN\" | sha256sum | cut -c1-64)\" = " + sha256(ENV_CANARY)),
                    Map.of("TOKEN", "${secret:api_token}", "DB_PASSWORD", "${secret:db_password}"), 0, null, null);
            cluster.deployment("encoded", "secrets", List.of(java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), CanaryFlow.class.getName()),
                    Map.of("TOK", "${secret:tok}"), 0, null, null);
            cluster.deployment("missing", "secrets", List.of("sh", "-c", "echo never"),
                    Map.of("X", "${secret:nope}"), 0, null, null);
            cluster.deployment("short", "secrets", List.of("sh", "-c", "echo never"),
                    Map.of("X", "${secret:short}"), 0, null, null);

            var config = cluster.agentConfig("secrets", proxy.port());
            config.secretsDir = secrets.toString();
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("FLOWPLANE_SECRET_api_token", ENV_CANARY);
            env.put("FLOWPLANE_SECRET_tok", CANARY);
            cluster.startAgent(config, Agent.Options.defaults().withEnv(env));

            String run = cluster.run("leaky");
            String encoded = cluster.run("encoded");
            String missing = cluster.run("missing");
            String tooShort = cluster.run("short");
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(run).equals("COMPLETED"));
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(missing).equals("FAILED"));
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(tooShort).equals("FAILED"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.logMessages(encoded))
                    .as("run %s", cluster.flowRun(encoded)).hasSize(16));
            // The log lines and the final state travel in separate event batches: wait for the state too.
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.stateType(encoded).equals("COMPLETED"));

            // The process saw the real values (the exit status checked one), the control plane none.
            // The run's relay token is a credential too (for the agent's local relay): masked like a secret.
            assertThat(cluster.logMessages(run)).containsExactlyInAnyOrder("token=" + Redactor.MARKER,
                    "password=" + Redactor.MARKER, "both: " + Redactor.MARKER + "/" + Redactor.MARKER,
                    "relay=" + Redactor.MARKER);
            assertThat(cluster.flowRun(missing).get("state").get("message").asText())
                    .contains("secret 'nope' is not known to this agent");
            assertThat(cluster.flowRun(tooShort).get("state").get("message").asText())
                    .contains("secret 'short' is 6 characters long; secrets shorter than 8 characters are refused");
            assertThat(cluster.logMessages(encoded)).as("every leak was masked, and only the leak")
                    .contains("plain token=[redacted]", "longer Bearer abc[redacted]xyz", "stderr [redacted]",
                            "url https://example.invalid/cb?token=[redacted]&x=1", "json {\"token\":\"[redacted]\"}",
                            "hex [redacted] HEX [redacted]", "relay log eE[redacted]", "b64end eHl[redacted]")
                    .allMatch(l -> l.contains(Redactor.MARKER));
            assertThat(cluster.flowRun(encoded).get("state").get("message").asText()).isEqualTo("done [redacted]");

            // Everything that could hold a leak: the wire, the control plane's files, its REST answers.
            List<String> places = new ArrayList<>();
            String wire = new String(proxy.sentByClients(), StandardCharsets.ISO_8859_1);
            assertThat(wire).as("the recording holds the agent's messages").contains("token=" + Redactor.MARKER);
            places.add(wire);
            try (Stream<Path> files = Files.walk(dir.resolve("cp"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    places.add(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
            for (String id : List.of(run, encoded, missing, tooShort)) {
                for (String path : List.of("", "/states", "/logs?after=0&limit=1000", "/task-runs", "/artifacts")) {
                    places.add(new String(cluster.get("/api/v1/flow-runs/" + id + path).toString()
                            .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(cluster.get("/api/v1/flow-runs/" + encoded + "/task-runs").toString()).as("the task run arrived")
                    .contains("leak [redacted]", "tag-[redacted]");
            assertThat(cluster.get("/api/v1/flow-runs/" + encoded + "/artifacts").toString()).as("the artifact arrived")
                    .contains("about [redacted]");
            Set<String> fragments = new LinkedHashSet<>();
            for (String canary : List.of(ENV_CANARY, FILE_CANARY, CANARY)) {
                for (String form : forms(canary)) {
                    for (int i = 0; i + 10 <= form.length(); i++) {
                        fragments.add(form.substring(i, i + 10));
                    }
                }
            }
            for (String place : places) {
                for (String fragment : fragments) {
                    assertThat(place.contains(fragment)).as("'%s' leaked in %s", fragment,
                            place.substring(Math.max(0, place.indexOf(fragment) - 200), Math.min(place.length(),
                                    place.indexOf(fragment) + 200))).isFalse();
                }
            }
        }
    }

    /** The canary's forms as bytes on the wire (UTF-8 read as ISO-8859-1), computed here independently of the agent. */
    private static List<String> forms(String canary) {
        byte[] b = canary.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(List.of(canary, URLEncoder.encode(canary, StandardCharsets.UTF_8),
                canary.replace("\\", "\\\\").replace("\"", "\\\""), HexFormat.of().formatHex(b),
                HexFormat.of().withUpperCase().formatHex(b)));
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + b.length];
            System.arraycopy(b, 0, shifted, offset, b.length);
            for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String e = enc.encodeToString(shifted);
                StringBuilder core = new StringBuilder();
                for (int j = 0; j < e.length() && e.charAt(j) != '='; j++) {
                    if (6 * j >= 8 * offset && 6 * j + 6 <= 8 * shifted.length) {
                        core.append(e.charAt(j));
                    }
                }
                out.add(core.toString());
            }
        }
        return out.stream().map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)).toList();
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
