package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No API key in any log, at any level: the control plane started from the jar (at DEBUG, with its
 * request log on the console), an agent started exactly as deploy/ starts it ({@code java
 * @deploy/jvm/agent.options -jar flowplane-agent.jar agent --config agent.yml --state-dir DIR}: the
 * agent-only jar the Dockerfile, the systemd unit, the Kubernetes manifest and {@code ./flowplane
 * agent} run, not flowplane.jar; the key in
 * {@code FLOWPLANE_API_KEY} as the sample recommends), then the same agent at DEBUG by
 * {@code FLOWPLANE_LOG_LEVEL} and with a user's logback file that puts everything at DEBUG — each
 * polling, heartbeating and shipping a run's events — and the CLI's {@code --verbose} against wrong
 * URLs. The keys and an Idempotency-Key must appear in none of their output. Each raised level is
 * shown to have taken effect (DEBUG lines of Flowplane's own, the guards' warnings), or "no key at
 * DEBUG" would pass without anything at DEBUG.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoSecretsInLogsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEPLOY = Path.of(System.getProperty("flowplane.deploy", "../deploy")).toAbsolutePath();

    private final Path jar = Path.of(System.getProperty("flowplane.jar", "target/flowplane.jar")).toAbsolutePath();
    private final Path agentJar = Path.of(System.getProperty("flowplane.agent.jar", "target/flowplane-agent.jar"))
            .toAbsolutePath();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String adminKey = newKey();
    private final String idempotencyKey = "idem-" + newKey().substring(3);
    private Path tmp;
    private Process server;
    private Path serverLog;
    private int restPort;
    private int adminPort;
    private int grpcPort;
    private String agentKey;

    @BeforeAll
    void startControlPlane() throws Exception {
        assertThat(jar).as("the shaded jar (built in `package`)").exists();
        assertThat(agentJar).as("the agent-only shaded jar (built in `package`)").exists();
        tmp = Files.createTempDirectory("flowplane-no-secrets");
        restPort = freePort();
        adminPort = freePort();
        grpcPort = freePort();
        Path config = tmp.resolve("control-plane.yml");
        Files.writeString(config, """
                server:
                  applicationConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  adminConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  requestLog:
                    appenders: [{type: console}]
                database:
                  driverClass: org.h2.Driver
                  url: "jdbc:h2:file:%s;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                  user: sa
                  password: ""
                grpc: {bindHost: 127.0.0.1, port: %d}
                auth: {bootstrapAdminKey: "%s"}
                runs: {heartbeatInterval: 1s}
                logging:
                  level: DEBUG
                """.formatted(restPort, adminPort, tmp.resolve("data/flowplane"), grpcPort, adminKey));
        serverLog = tmp.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(java(), "@" + DEPLOY.resolve("jvm/server.options"), "-jar", jar.toString(),
                "server", "--config", config.toString()).directory(tmp.toFile())
                .redirectErrorStream(true).redirectOutput(serverLog.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        server = pb.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> !server.isAlive() || call("GET", "/api/v1/work-pools", null, null).statusCode() == 200);
        assertThat(server.isAlive()).as(Files.readString(serverLog)).isTrue();

        int pool = call("POST", "/api/v1/work-pools", "{\"name\":\"default\"}", null).statusCode();
        assertThat(pool).isIn(200, 201, 409);
        HttpResponse<String> key = call("POST", "/api/v1/api-keys",
                "{\"name\":\"agent-1\",\"role\":\"agent\",\"pools\":[\"default\"]}", null);
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        agentKey = JSON.readTree(key.body()).path("key").asText();
        assertThat(agentKey).startsWith("fp_");
        for (String name : List.of("quick", "slow")) {
            String command = name.equals("quick") ? "echo working; sleep 2; echo done" : "echo started; sleep 60";
            HttpResponse<String> d = call("POST", "/api/v1/deployments", """
                    {"name":"%s","flowName":"%s","workPool":"default","entrypoint":{"command":["sh","-c","%s"]}}
                    """.formatted(name, name, command), null);
            assertThat(d.statusCode()).as(d.body()).isIn(200, 201);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void theAgentAsDeployedLogsAtInfoAndNeverItsKey() throws Exception {
        String out = runAgent("as-deployed", Map.of(), List.of());
        assertThat(out).as("the agent logged its start").contains("INFO");
        assertThat(out.lines().filter(l -> l.contains(" DEBUG ") || l.contains(" TRACE ")))
                .as("no DEBUG lines by default").isEmpty();
        assertNoSecrets("agent as deployed", out);
    }

    @Test
    void grpcJavaUtilLoggingLinesComeOutInTheAgentsOwnOneLineFormat() throws Exception {
        // gRPC-java reports a name it cannot resolve through java.util.logging, with a stack trace.
        Path dir = Files.createDirectories(tmp.resolve("agent-unresolvable"));
        Path log = dir.resolve("out.log");
        ProcessBuilder pb = new ProcessBuilder(java(), "@" + DEPLOY.resolve("jvm/agent.options"), "-jar", agentJar.toString(),
                "agent", "--pool", "default", "--url", "no-such-host.invalid:9090", "--state-dir", dir.resolve("state").toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        pb.environment().put("FLOWPLANE_API_KEY", agentKey);
        Process agent = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("Failed to resolve name"));
        } finally {
            stopAgent(agent);
        }
        String out = Files.readString(log);
        assertThat(out).as("gRPC's record, through logback").containsPattern(
                "(?m)^\\S+ WARN +\\[[^\\]]*\\] io\\.grpc\\.internal\\.ManagedChannelImpl - .*Failed to resolve name");
        assertThat(out.lines().filter(l -> !l.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ +\\[.*")))
                .as("every line one event in the agent's format (no JUL 'WARNING:' records, no stack frame lines)").isEmpty();
        assertNoSecrets("agent against an unresolvable host", out);
    }

    @Test
    void theAgentAtDebugStillNeverLogsItsKey() throws Exception {
        String out = runAgent("debug-by-env", Map.of("FLOWPLANE_LOG_LEVEL", "debug"), List.of());
        // The default format puts the thread between level and logger: " DEBUG [main] io.flowplane.agent.Agent - …".
        assertThat(out).as("the level took effect: Flowplane's own DEBUG lines are there")
                .containsPattern(" DEBUG +\\[[^\\]]*\\] io\\.flowplane\\.");
        assertThat(out).as("the connection settings at DEBUG, their key masked").contains("apiKey=(set, masked)");
        assertNoSecrets("agent with FLOWPLANE_LOG_LEVEL=debug", out);
    }

    @Test
    void aUsersLogbackFileWithEverythingAtDebugStillNeverLogsTheKey() throws Exception {
        Path logback = tmp.resolve("logback-everything-debug.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d %-5level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <root level="TRACE"><appender-ref ref="out"/></root>
                </configuration>
                """);
        String out = runAgent("user-logback", Map.of(), List.of("-Dlogback.configurationFile=" + logback));
        assertThat(out).as("the user's file applied: libraries log at DEBUG").contains(" DEBUG io.grpc");
        assertThat(out).as("the guard said why the frame logger stays quiet")
                .contains("DEBUG logging of gRPC's HTTP/2 frames");
        assertNoSecrets("agent with a user's logback file at TRACE", out);
    }

    @Test
    void theControlPlaneConsoleAndRequestLogAtDebugHoldNoKey() throws Exception {
        // A run created and cancelled through REST, with an Idempotency-Key, while an agent runs it.
        Process agent = startAgent("for-cancel", Map.of(), List.of());
        try {
            String runId = createRun("slow", idempotencyKey);
            awaitState(runId, "RUNNING");
            HttpResponse<String> cancel = call("POST", "/api/v1/flow-runs/" + runId + "/cancel", null, idempotencyKey);
            assertThat(cancel.statusCode()).as(cancel.body()).isLessThan(300);
            awaitState(runId, "CANCELLED");
        } finally {
            stopAgent(agent);
        }
        String log = Files.readString(serverLog);
        assertThat(log).as("the request log is on the console").contains("POST /api/v1/flow-runs/");
        // Dropwizard's format starts with the level: "DEBUG [time] logger: message".
        assertThat(log).as("the control plane logs at DEBUG").containsPattern("(?m)^DEBUG +\\[");
        assertThat(log).as("Jetty's DEBUG was asked for and refused, with the guard's warning")
                .contains("DEBUG and TRACE logging of Jetty (");
        assertNoSecrets("control plane console and request log", log);
        assertThat(log).doesNotContain(idempotencyKey);
    }

    @Test
    void theCliVerboseAgainstWrongUrlsPrintsNoKey() throws Exception {
        int closed = freePort();
        for (String url : List.of("http://127.0.0.1:" + closed, "http://127.0.0.1:" + adminPort,
                "http://127.0.0.1:" + restPort + "/nothing-here")) {
            ProcessBuilder pb = new ProcessBuilder(java(), "-jar", jar.toString(), "runs", "ls", "--verbose",
                    "--url", url, "--api-key", adminKey).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
            pb.environment().put("HOME", tmp.toString());
            Process cli = pb.start();
            String out = new String(cli.getInputStream().readAllBytes());
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as(out).isNotZero();
            assertThat(out).as("a one-line reason, then the stack trace").startsWith("flowplane: ");
            assertNoSecrets("flowplane runs ls --verbose --url " + url, out);
        }
    }

    /** Runs one agent through a completed run and a few heartbeats, and returns everything it printed. */
    private String runAgent(String name, Map<String, String> env, List<String> jvmOptions) throws Exception {
        Process agent = startAgent(name, env, jvmOptions);
        Path log = tmp.resolve("agent-" + name + ".log");
        try {
            String runId = createRun("quick", null);
            awaitState(runId, "COMPLETED");
            // Held polls and 1 s heartbeats after the run: wait for three more heartbeats to be recorded.
            String before = lastHeartbeat(name);
            await().atMost(Duration.ofSeconds(30)).until(() -> !lastHeartbeat(name).equals(before));
            String second = lastHeartbeat(name);
            await().atMost(Duration.ofSeconds(30)).until(() -> !lastHeartbeat(name).equals(second));
        } finally {
            stopAgent(agent);
        }
        return Files.readString(log);
    }

    private Process startAgent(String name, Map<String, String> env, List<String> jvmOptions) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("agent-" + name));
        // The shipped sample, pointed at this control plane: nothing else changed.
        String sample = Files.readString(DEPLOY.resolve("agent.yml"))
                .replace("url: \"localhost:9090\"", "url: \"127.0.0.1:" + grpcPort + "\"")
                .replace("secretsDir: /run/secrets", "secretsDir: " + dir.resolve("secrets"));
        assertThat(sample).contains("127.0.0.1:" + grpcPort);
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, sample + "name: " + name + "\n");
        List<String> cmd = new ArrayList<>(List.of(java(), "@" + DEPLOY.resolve("jvm/agent.options")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", agentJar.toString(), "agent", "--config", config.toString(),
                "--state-dir", dir.resolve("state").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("agent-" + name + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        pb.environment().put("FLOWPLANE_API_KEY", agentKey);
        pb.environment().putAll(env);
        Process p = pb.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive() || !lastHeartbeat(name).isEmpty());
        assertThat(p.isAlive()).as(Files.readString(tmp.resolve("agent-" + name + ".log"))).isTrue();
        return p;
    }

    private static void stopAgent(Process agent) throws InterruptedException {
        agent.destroy();
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
        }
    }

    private String createRun(String deployment, String idempotency) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/deployments/" + deployment + "/runs", "{}", idempotency);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private void awaitState(String runId, String type) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode run = JSON.readTree(call("GET", "/api/v1/flow-runs/" + runId, null, null).body());
            return run.path("state").path("type").asText().equals(type);
        });
    }

    /** The agent's last heartbeat as the control plane recorded it; empty while it is not registered. */
    private String lastHeartbeat(String agentName) throws Exception {
        JsonNode agents = JSON.readTree(call("GET", "/api/v1/agents", null, null).body());
        for (JsonNode a : agents.has("items") ? agents.path("items") : agents) {
            if (a.path("name").asText().equals(agentName)) {
                return a.path("lastHeartbeatAt").asText(a.path("lastHeartbeat").asText(""));
            }
        }
        return "";
    }

    private void assertNoSecrets(String what, String output) {
        assertThat(output).as(what + ": the admin key").doesNotContain(adminKey);
        assertThat(output).as(what + ": the agent key").doesNotContain(agentKey);
        // Nor a fragment long enough to be the key's body (e.g. a header split across lines).
        assertThat(output).as(what + ": a 20-character piece of the agent key").doesNotContain(agentKey.substring(3, 23));
        assertThat(output).as(what + ": anything shaped like a key").doesNotContainPattern("fp_[A-Za-z0-9_-]{32,}");
    }

    private HttpResponse<String> call(String method, String path, String body, String idempotency) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + adminKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (idempotency != null) {
            b.header("Idempotency-Key", idempotency);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "fp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
