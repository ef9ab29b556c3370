package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Drives the built {@code flowplane.jar} as a user would: {@code flowplane dev} in one process,
 * every other command as its own process that finds dev mode through the profile dev wrote —
 * with HOME, the profile directory and the data directory in a temporary directory, and every
 * port picked free by the OS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndIT {
    private static final Pattern REST = Pattern.compile("REST API\\s+http://127\\.0\\.0\\.1:(\\d+)/api/v1");
    private static final Pattern GRPC = Pattern.compile("gRPC\\s+127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin\\s+http://127\\.0\\.0\\.1:(\\d+)/");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar = Path.of(System.getProperty("flowplane.jar", "target/flowplane.jar")).toAbsolutePath();
    private Path tmp;
    private Process dev;
    private final StringBuffer devOut = new StringBuffer();
    private int restPort;
    private int grpcPort;
    private int adminPort;
    private String helloRunId;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    void startDevMode() throws Exception {
        assertThat(jar).as("the shaded jar (built in `package`)").exists();
        tmp = Files.createTempDirectory("flowplane-cli-e2e");
        Files.createDirectories(tmp.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(java(), "-Duser.home=" + tmp.resolve("home"), "-jar", jar.toString(),
                "dev", "--port", "0", "--admin-port", "0", "--grpc-port", "0", "--data-dir", tmp.resolve("data").toString())
                .directory(tmp.toFile()).redirectErrorStream(true);
        environment(pb.environment());
        dev = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    devOut.append(line).append('\n');
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "dev-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> !dev.isAlive() || devOut.toString().contains("Ctrl-C stops everything"));
        assertThat(devOut.toString()).as("dev mode came up").contains("Ctrl-C stops everything");
        restPort = group(REST);
        grpcPort = group(GRPC);
        adminPort = group(ADMIN);
        assertThat(devOut.toString()).containsPattern("API key\\s+fp_[A-Za-z0-9_-]{32,}");
        // The web UI's address is the first line of the summary, and it serves the page.
        String summary = devOut.substring(devOut.indexOf("Flowplane dev mode is running."));
        assertThat(summary.lines().filter(l -> !l.isBlank()).skip(1).findFirst().orElse(""))
                .matches("\\s*Web UI\\s+http://127\\.0\\.0\\.1:" + restPort + "/\\s.*");
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + restPort + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/ui/app.js");
    }

    @AfterAll
    void stopDevMode() {
        if (dev != null && dev.isAlive()) {
            dev.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void deployIsIdempotentAndSaysWhatChanged() throws Exception {
        Path file = tmp.resolve("flowplane.yaml");
        Files.writeString(file, """
                defaults:
                  workPool: default
                deployments:
                  - name: hello
                    entrypoint:
                      command: 'echo "hello-line-one"; echo "hello-line-two"'
                  - name: broken
                    entrypoint:
                      command: 'echo "about-to-fail"; exit 3'
                """);
        Result first = cli("deploy", "-f", file.toString());
        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(first.out()).containsPattern("created\\s+hello").containsPattern("created\\s+broken");

        Result again = cli("deploy", "-f", file.toString());
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).containsPattern("unchanged\\s+hello").containsPattern("unchanged\\s+broken")
                .contains("0 created, 0 updated, 2 unchanged");

        Files.writeString(file, Files.readString(file).replace("hello-line-two", "hello-line-2"));
        Result edited = cli("deploy", "-f", file.toString(), "-o", "json");
        assertThat(edited.exit()).as(edited.all()).isZero();
        JsonNode changes = JSON.readTree(edited.out());
        assertThat(changes.get(0).path("change").asText()).isEqualTo("updated");
        assertThat(changes.get(1).path("change").asText()).isEqualTo("unchanged");
    }

    @Test
    @Order(2)
    void runWatchStreamsLogsAndExitsZeroOnCompletion() {
        Result r = cli("run", "hello", "--watch", "--param", "n=3");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("hello-line-one").contains("hello-line-2").contains("state → Running")
                .contains("state → Completed");
        // Lines come before the state that ended the run.
        assertThat(r.out().indexOf("hello-line-2")).isLessThan(r.out().indexOf("state → Completed"));
        Matcher id = Pattern.compile("\\(([0-9a-f-]{36})\\)").matcher(r.out());
        assertThat(id.find()).isTrue();
        helloRunId = id.group(1);
    }

    @Test
    @Order(3)
    void runsLsJsonContainsTheRun() throws Exception {
        Result r = cli("runs", "ls", "--output", "json", "--deployment", "hello");
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode page = JSON.readTree(r.out());
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(i -> ids.add(i.path("id").asText()));
        assertThat(ids).contains(helloRunId);
        JsonNode run = page.path("items").get(ids.indexOf(helloRunId));
        assertThat(run.at("/state/type").asText()).isEqualTo("COMPLETED");
        assertThat(run.at("/parameters/n").asInt()).isEqualTo(3);

        Result table = cli("runs", "ls");
        assertThat(table.out()).startsWith("ID").contains(helloRunId).contains("Completed");
    }

    @Test
    @Order(4)
    void runsLogsAndInspect() {
        Result logs = cli("runs", "logs", helloRunId);
        assertThat(logs.exit()).as(logs.all()).isZero();
        assertThat(logs.out().lines().toList()).contains("hello-line-one", "hello-line-2");

        Result grepped = cli("runs", "logs", helloRunId, "--grep", "LINE-2");
        assertThat(grepped.exit()).as(grepped.all()).isZero();
        assertThat(grepped.out().lines().toList()).contains("hello-line-2").doesNotContain("hello-line-one");

        Result followed = cli("runs", "logs", helloRunId, "--follow");
        assertThat(followed.exit()).isZero();
        assertThat(followed.out()).contains("hello-line-2");

        Result inspect = cli("runs", "inspect", helloRunId);
        assertThat(inspect.exit()).as(inspect.all()).isZero();
        assertThat(inspect.out()).contains("SCHEDULED").contains("PENDING").contains("RUNNING").contains("COMPLETED");
    }

    @Test
    @Order(5)
    void aFailingRunMakesWatchExitNonZero() {
        Result r = cli("run", "broken", "--watch");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.out()).contains("about-to-fail").contains("state → Failed");
    }

    @Test
    @Order(6)
    void aWrongApiKeyIsOneLineAndNonZero() {
        Result r = cli("runs", "ls", "--api-key", "fp_this_key_does_not_exist_0123456789abcdef");
        assertThat(r.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("refused the API key (401").contains("flowplane login");
    }

    @Test
    @Order(7)
    void anUnreachableControlPlaneIsOneLineWithAHint() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = cli("runs", "ls", "--url", "http://127.0.0.1:" + closed);
        assertThat(r.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.err().lines().toList()).containsExactly("flowplane: cannot reach control plane at http://127.0.0.1:"
                + closed + ": connection refused — start it with `flowplane server` (or `flowplane dev`) or set --url / FLOWPLANE_URL");

        Result verbose = cli("runs", "ls", "--url", "http://127.0.0.1:" + closed, "--verbose");
        assertThat(verbose.err()).contains("java.net.ConnectException");
    }

    @Test
    @Order(8)
    void restCommandsDoNotLoadTheServer() {
        Result r = run(List.of(java(), "-verbose:class", "-Duser.home=" + tmp.resolve("home"), "-jar", jar.toString(),
                "runs", "ls"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("io.flowplane.cli.runs.RunsLs").doesNotContain("io.dropwizard")
                .doesNotContain("org.eclipse.jetty").doesNotContain("io.flowplane.controlplane")
                .doesNotContain("io.flowplane.agent.Agent ");
    }

    @Test
    @Order(9)
    void poolsKeysDeploymentsAndRunControls() throws Exception {
        assertThat(cli("work-pool", "create", "batch", "--concurrency-limit", "2").out()).contains("created work pool batch");
        assertThat(cli("work-pool", "pause", "batch").out()).contains("paused work pool batch");
        JsonNode pool = JSON.readTree(cli("work-pool", "inspect", "batch", "-o", "json").out());
        assertThat(pool.path("paused").asBoolean()).isTrue();
        assertThat(pool.path("queues").get(0).path("name").asText()).isEqualTo("default");
        assertThat(cli("work-pool", "resume", "batch").out()).contains("resumed work pool batch");
        Result dup = cli("work-pool", "create", "batch");
        assertThat(dup.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(dup.err().lines().toList()).hasSize(1);

        Result created = cli("api-key", "create", "ci", "--role", "viewer");
        Matcher key = Pattern.compile("(fp_[A-Za-z0-9_-]{32,})").matcher(created.out());
        assertThat(key.find()).as(created.all()).isTrue();
        // A viewer reads, and is refused a write with a one-line 403.
        assertThat(cli("deployment", "ls", "--api-key", key.group(1)).out()).contains("hello");
        Result refused = cli("run", "hello", "--api-key", key.group(1));
        assertThat(refused.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(refused.err()).startsWith("flowplane: forbidden (403): role 'viewer'");
        JsonNode keys = JSON.readTree(cli("api-key", "ls", "-o", "json").out());
        String id = null;
        for (JsonNode k : keys) {
            if (k.path("name").asText().equals("ci")) {
                id = k.path("id").asText();
            }
        }
        assertThat(cli("api-key", "revoke", id).exit()).isZero();
        // The audit log holds the revocation and the viewer's refused run, with their keys.
        String revokedId = id;
        await().untilAsserted(() -> {
            JsonNode audit = JSON.readTree(cli("audit", "ls", "-n", "100", "-o", "json").out()).path("items");
            java.util.List<String> seen = new java.util.ArrayList<>();
            audit.forEach(e -> seen.add(e.path("role").asText() + " " + e.path("method").asText() + " "
                    + e.path("resource").asText() + " " + e.path("outcome").asText()));
            assertThat(seen).contains("admin DELETE /api/v1/api-keys/" + revokedId + " succeeded",
                    "viewer POST /api/v1/deployments/hello/runs refused");
        });
        assertThat(cli("audit", "ls").out()).contains("OUTCOME", "refused");
        assertThat(cli("deployment", "ls", "--api-key", key.group(1)).err()).contains("401");

        assertThat(cli("deployment", "pause", "hello").out()).contains("paused deployment hello");
        assertThat(JSON.readTree(cli("deployment", "inspect", "hello", "-o", "json").out()).path("paused").asBoolean()).isTrue();
        assertThat(cli("deployment", "resume", "hello").out()).contains("resumed deployment hello");
        assertThat(cli("deployment", "delete", "broken").exit()).isZero();
        Result gone = cli("deployment", "inspect", "broken");
        assertThat(gone.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(gone.err()).contains("404");

        // A run on a paused pool waits: cancel it, then retry it.
        Files.writeString(tmp.resolve("waits.yaml"), """
                deployments:
                  - name: waits
                    workPool: batch
                    entrypoint: {command: "echo never"}
                """);
        assertThat(cli("deploy", "-f", tmp.resolve("waits.yaml").toString()).exit()).isZero();
        assertThat(cli("work-pool", "pause", "batch").exit()).isZero();
        JsonNode run = JSON.readTree(cli("run", "waits", "-o", "json").out());
        String runId = run.path("id").asText();
        assertThat(cli("runs", "cancel", runId).out()).contains("Cancelled");
        assertThat(cli("runs", "retry", runId).out()).contains("AwaitingRetry");
        assertThat(cli("runs", "ls", "--state", "scheduled", "-d", "waits").out()).contains(runId);

        Result preview = cli("schedule", "preview", "30 2 * * *", "--tz", "Europe/Berlin", "--count", "2",
                "--from", "2026-03-28T00:00:00Z");
        assertThat(preview.out()).contains("2026-03-28T01:30:00Z").contains("2026-03-29T01:00:00Z").contains("03:00:00 +02:00");
        Result bad = cli("schedule", "preview", "61 * * * *");
        assertThat(bad.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(bad.err()).startsWith("flowplane: rejected (422): schedule.cron");

        // One schedule of a deployment pauses and resumes; an unknown one is named in the error.
        Files.writeString(tmp.resolve("hourly.yaml"), """
                deployments:
                  - name: hourly-report
                    workPool: batch
                    entrypoint: {command: "echo report"}
                    schedules: [{name: top, cron: "@hourly"}]
                """);
        assertThat(cli("deploy", "-f", tmp.resolve("hourly.yaml").toString()).exit()).isZero();
        assertThat(cli("schedule", "pause", "hourly-report", "top").out())
                .contains("paused schedule top of hourly-report (not making runs)");
        assertThat(cli("schedule", "resume", "hourly-report", "top").out()).contains("resumed schedule top");
        Result unknown = cli("schedule", "pause", "hourly-report", "nope");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(unknown.err()).contains("schedule 'nope' not found");
    }

    @Test
    @Order(9)
    void automationsFromFlowplaneYamlAndTheAutomationCommands() throws Exception {
        Path file = tmp.resolve("automations.yaml");
        Files.writeString(file, """
                deployments:
                  - name: hello-again
                    workPool: default
                    entrypoint: {command: "echo again"}
                  - name: hello-third
                    workPool: default
                    entrypoint: {command: "echo third"}
                    triggers: [{after: hello-again}]
                automations:
                  - name: again-after-hello
                    trigger: {match: {types: [flow-run.completed], deployment: hello}}
                    actions: [{type: run-deployment, deployment: hello-again}]
                """);
        Result deployed = cli("deploy", "-f", file.toString());
        assertThat(deployed.exit()).as(deployed.all()).isZero();
        assertThat(deployed.out()).containsPattern("created\\s+automation again-after-hello")
                .containsPattern("created\\s+automation hello-third-after-hello-again");
        assertThat(cli("automation", "ls").out()).contains("again-after-hello");
        assertThat(cli("automation", "disable", "again-after-hello").out()).contains("disabled automation again-after-hello");
        JsonNode listed = JSON.readTree(cli("automation", "ls", "-o", "json").out());
        assertThat(listed.get(0).path("enabled").asBoolean()).isFalse();
        assertThat(cli("automation", "enable", "again-after-hello").out()).contains("enabled automation again-after-hello");
        Result again = cli("deploy", "-f", file.toString());
        assertThat(again.out()).containsPattern("updated\\s+automation again-after-hello");
        Path replaced = tmp.resolve("replaced.yaml");
        Files.writeString(replaced, """
                name: again-after-hello
                description: runs hello-again after each hello
                trigger: {match: {types: [flow-run.completed], deployment: hello}}
                actions: [{type: run-deployment, deployment: hello-again}]
                """);
        Result updated = cli("automation", "update", "again-after-hello", "-f", replaced.toString());
        assertThat(updated.exit()).as(updated.all()).isZero();
        assertThat(updated.out()).contains("updated automation again-after-hello");
        Result inspected = cli("automation", "inspect", "again-after-hello");
        assertThat(inspected.exit()).as(inspected.all()).isZero();
        assertThat(inspected.out()).contains("Description: runs hello-again after each hello").contains("Firings:")
                .contains("run-deployment");
        assertThat(JSON.readTree(cli("automation", "get", "again-after-hello", "-o", "json").out()).path("recentActions").isArray())
                .isTrue();
        Files.writeString(tmp.resolve("one.json"), "{\"name\":\"one\",\"trigger\":{\"match\":{\"types\":[\"flow-run.nope\"]}},"
                + "\"actions\":[{\"type\":\"pause-deployment\",\"deployment\":\"hello\"}]}");
        Result bad = cli("automation", "create", "-f", tmp.resolve("one.json").toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(bad.err()).contains("422").contains("trigger.match.types[0]");
        assertThat(cli("automation", "delete", "again-after-hello").out()).contains("deleted automation again-after-hello");
        assertThat(cli("automation", "delete", "hello-third-after-hello-again").exit()).isZero();
        assertThat(JSON.readTree(cli("automation", "ls", "-o", "json").out())).isEmpty();
    }

    @Test
    @Order(10)
    void theExampleFlowCompletesOnItsOwn() throws Exception {
        JsonNode items = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .alias("the example run finishes")
                .until(() -> JSON.readTree(cli("runs", "ls", "-d", "sales-report", "--state",
                        "completed,failed,crashed", "-o", "json").out()).path("items"), found -> !found.isEmpty());
        assertThat(items.get(0).at("/state/type").asText()).as(items.toString()).isEqualTo("COMPLETED");
    }

    @Test
    @Order(11)
    void sigtermStopsEverythingAndReleasesThePorts() throws Exception {
        dev.destroy(); // SIGTERM, as Ctrl-C / `kill` / systemd would send
        assertThat(dev.waitFor(60, TimeUnit.SECONDS)).as("dev mode exits after SIGTERM:\n" + devOut).isTrue();
        for (int port : new int[]{restPort, grpcPort, adminPort}) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(devOut.toString()).doesNotContain("Exception");
    }

    private Result cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Duser.home=" + tmp.resolve("home"), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Result run(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
            environment(pb.environment());
            Path out = Files.createTempFile(tmp, "out", ".txt");
            Path err = Files.createTempFile(tmp, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + cmd + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The child sees no FLOWPLANE_* of the developer's shell, and a HOME of its own. */
    private void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        env.put("HOME", tmp.resolve("home").toString());
    }

    private int group(Pattern p) {
        Matcher m = p.matcher(devOut);
        assertThat(m.find()).as(p + " in\n" + devOut).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
