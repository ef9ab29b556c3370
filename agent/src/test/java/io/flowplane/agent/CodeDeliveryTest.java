package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.flowplane.agent.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deployment's code delivered by the agent, inside the customer's network: from a bare git
 * repository (file URL) and from a loopback HTTP server. The agent fetches a version once and
 * reuses its cache for later runs, fetches again when the ref moves or the hash changes, refuses an
 * artifact whose sha256 does not match (the run FAILS naming both hashes), each run records the
 * version it ran, and no byte of the code reaches the control plane's database.
 */
class CodeDeliveryTest {
    /** In every file of code served here, never printed: the database must not hold it. */
    private static final String MARKER = "code-marker-5d1c0f7e9a";
    /** The password of the artifact server, known only to the agent's secret providers. */
    private static final String PASSWORD = "canary-pw-0b9e44c2d1";

    @TempDir
    static Path dir;
    static Cluster cluster;
    static HttpServer http;
    static final AtomicReference<byte[]> served = new AtomicReference<>();
    static final AtomicInteger downloads = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start(dir, c -> { });
        cluster.pool("code");
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("FLOWPLANE_SECRET_artifact_auth", "reader:" + PASSWORD);
        cluster.startAgent(cluster.agentConfig("code", cluster.grpcPort()), Agent.Options.defaults().withEnv(env));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/flows/", exchange -> {
            downloads.incrementAndGet();
            byte[] body = served.get();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(
                ("reader:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        http.createContext("/private/", exchange -> {
            boolean allowed = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = allowed ? served.get() : new byte[0];
            exchange.sendResponseHeaders(allowed ? 200 : 401, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void gitCodeIsFetchedOnceReusedAndFetchedAgainWhenTheRefMoves() throws Exception {
        Path bare = dir.resolve("flows.git");
        Path work = dir.resolve("flows-work");
        git(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(dir, "init", "-q", "-b", "main", work.toString());
        String first = commit(work, "echo \"git version one in $(basename \"$PWD\") of $FLOWPLANE_CODE_VERSION\"");
        git(work, "push", "-q", bare.toUri().toString(), "main");

        deploy("from-git", source("git", "url", bare.toUri().toString(), "ref", "main"));
        String run1 = completed("from-git");
        assertThat(cluster.logMessages(run1)).containsExactly("git version one in " + first + " of git:" + first);
        assertThat(cluster.flowRun(run1).get("codeVersion").asText()).isEqualTo("git:" + first);
        assertThat(runningMessage(run1)).endsWith("; code git:" + first + " (fetched)");

        String run2 = completed("from-git");
        assertThat(runningMessage(run2)).endsWith("; code git:" + first + " (from the agent's cache)");
        assertThat(cluster.flowRun(run2).get("codeVersion").asText()).isEqualTo("git:" + first);

        String second = commit(work, "echo git version two");
        git(work, "push", "-q", bare.toUri().toString(), "main");
        String run3 = completed("from-git");
        assertThat(cluster.logMessages(run3)).containsExactly("git version two");
        assertThat(runningMessage(run3)).endsWith("; code git:" + second + " (fetched)");
        assertThat(cluster.flowRun(run3).get("codeVersion").asText()).isEqualTo("git:" + second);

        // The deployment pinned to the first commit again: that version is still in the cache.
        deploy("from-git", source("git", "url", bare.toUri().toString(), "ref", first));
        String run4 = completed("from-git");
        assertThat(cluster.logMessages(run4)).containsExactly("git version one in " + first + " of git:" + first);
        assertThat(runningMessage(run4)).endsWith("; code git:" + first + " (from the agent's cache)");

        deploy("from-git", source("git", "url", bare.toUri().toString(), "ref", "no-such-branch"));
        String run5 = cluster.run("from-git");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run5).equals("FAILED"));
        assertThat(cluster.flowRun(run5).get("state").get("message").asText()).isEqualTo(
                "could not fetch the deployment's code: git ref 'no-such-branch' was not found in " + bare.toUri());
        assertNoCodeInTheDatabase();
    }

    @Test
    void artifactIsDownloadedOnceVerifiedAndDownloadedAgainWhenTheHashChanges() throws Exception {
        byte[] v1 = script("echo artifact one");
        served.set(v1);
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/flows/tool.sh";
        deploy("from-http", source("artifact", "url", url, "sha256", sha256(v1)));
        String run1 = completed("from-http");
        assertThat(cluster.logMessages(run1)).containsExactly("artifact one");
        assertThat(cluster.flowRun(run1).get("codeVersion").asText()).isEqualTo("sha256:" + sha256(v1));
        assertThat(downloads.get()).isEqualTo(1);

        String run2 = completed("from-http");
        assertThat(cluster.logMessages(run2)).containsExactly("artifact one");
        assertThat(runningMessage(run2)).endsWith("(from the agent's cache)");
        assertThat(downloads.get()).as("the second run used the cache").isEqualTo(1);

        byte[] v2 = script("echo artifact two");
        served.set(v2);
        deploy("from-http", source("artifact", "url", url, "sha256", sha256(v2)));
        String run3 = completed("from-http");
        assertThat(cluster.logMessages(run3)).containsExactly("artifact two");
        assertThat(downloads.get()).isEqualTo(2);

        // The server now hands out other bytes than the deployment names: refused, not run.
        String expected = sha256(script("echo what the deployment was built from"));
        deploy("from-http", source("artifact", "url", url, "sha256", expected));
        String run4 = cluster.run("from-http");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(run4).equals("FAILED"));
        assertThat(cluster.flowRun(run4).get("state").get("message").asText()).isEqualTo(
                "could not fetch the deployment's code: the artifact " + url + " has sha256 " + sha256(v2)
                        + ", but the deployment expects sha256 " + expected + "; it was not run");
        assertThat(cluster.history(run4)).containsExactly("SCHEDULED", "PENDING", "FAILED");
        assertThat(cluster.logMessages(run4)).isEmpty();
        assertThat(cluster.flowRun(run4).get("codeVersion").isNull()).isTrue();
        assertNoCodeInTheDatabase();
    }

    @Test
    void credentialsComeFromTheAgentsSecretProvidersAndStayThere() throws Exception {
        byte[] code = script("echo private artifact");
        served.set(code);
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/private/private.sh";
        ObjectNode source = source("artifact", "url", url, "sha256", sha256(code));
        deploy("without-auth", source.deepCopy());
        source.put("credentials", "${secret:artifact_auth}");
        deploy("with-auth", source);

        // First, while the cache is empty (the cache is by content: once verified, the bytes are known).
        String refused = cluster.run("without-auth");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(refused).equals("FAILED"));
        assertThat(cluster.flowRun(refused).get("state").get("message").asText())
                .isEqualTo("could not fetch the deployment's code: downloading " + url + " answered HTTP 401");
        String run = completed("with-auth");
        assertThat(cluster.logMessages(run)).containsExactly("private artifact");
        assertThat(cluster.get("/api/v1/deployments/with-auth").toString()).contains("${secret:artifact_auth}")
                .doesNotContain(PASSWORD);
        assertNoCodeInTheDatabase();
    }

    @Test
    void gitOverHttpAuthenticatesWithTheAgentsSecretAndFetchesEachCommitOnce() throws Exception {
        Path root = Files.createDirectories(dir.resolve("git-root"));
        Path bare = root.resolve("private.git");
        Path work = dir.resolve("private-work");
        git(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(dir, "init", "-q", "-b", "main", work.toString());
        String first = commit(work, "echo private git one");
        git(work, "push", "-q", bare.toUri().toString(), "main");
        try (GitHttpServer server = GitHttpServer.start(root, "reader", PASSWORD)) {
            ObjectNode source = source("git", "url", server.url("private.git"), "ref", "main");
            deploy("git-without-auth", source.deepCopy());
            source.put("credentials", "${secret:artifact_auth}");
            deploy("git-with-auth", source);

            String refused = cluster.run("git-without-auth");
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(refused).equals("FAILED"));
            assertThat(cluster.flowRun(refused).get("state").get("message").asText())
                    .startsWith("could not fetch the deployment's code").doesNotContain(PASSWORD);
            assertThat(server.refused.get()).isPositive();
            assertThat(server.fetches.get()).isZero();

            String run1 = completed("git-with-auth");
            assertThat(cluster.logMessages(run1)).containsExactly("private git one");
            assertThat(cluster.flowRun(run1).get("codeVersion").asText()).isEqualTo("git:" + first);
            assertThat(server.fetches.get()).as("objects fetched once").isEqualTo(1);

            String run2 = completed("git-with-auth");
            assertThat(cluster.logMessages(run2)).containsExactly("private git one");
            assertThat(server.fetches.get()).as("the second run resolved the ref but used the cache").isEqualTo(1);

            String second = commit(work, "echo private git two");
            git(work, "push", "-q", bare.toUri().toString(), "main");
            String run3 = completed("git-with-auth");
            assertThat(cluster.logMessages(run3)).containsExactly("private git two");
            assertThat(cluster.flowRun(run3).get("codeVersion").asText()).isEqualTo("git:" + second);
            assertThat(server.fetches.get()).as("the moved branch's new commit fetched").isEqualTo(2);
        }
        assertThat(cluster.get("/api/v1/deployments/git-with-auth").toString()).contains("${secret:artifact_auth}")
                .doesNotContain(PASSWORD);
        assertNoCodeInTheDatabase();
    }

    @Test
    void anArtifactFromAPathOnTheAgentsMachineIsVerifiedToo() throws Exception {
        byte[] code = script("echo local artifact");
        Path file = dir.resolve("local-tool.sh");
        Files.write(file, code);
        deploy("from-path", source("artifact", "url", file.toString(), "sha256", sha256(code)));
        String run = completed("from-path");
        assertThat(cluster.logMessages(run)).containsExactly("local artifact");

        Files.writeString(file, "echo tampered\n");
        deploy("from-path", source("artifact", "url", file.toUri().toString(), "sha256",
                sha256("echo something else\n".getBytes(StandardCharsets.UTF_8))));
        String refused = cluster.run("from-path");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.stateType(refused).equals("FAILED"));
        assertThat(cluster.flowRun(refused).get("state").get("message").asText())
                .contains("has sha256 " + sha256("echo tampered\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theControlPlaneRefusesSourcesWithCredentialsOrWithoutAHash() throws Exception {
        ObjectNode body = body("bad-source", source("git", "url", "https://me:hunter2@git.example/flows.git"));
        JsonNode problem = cluster.post("/api/v1/deployments", body.toString(), 422);
        assertThat(problem.toString()).contains("source.git.url").contains("must not contain credentials")
                .doesNotContain("hunter2");

        problem = cluster.post("/api/v1/deployments",
                body("bad-source", source("artifact", "url", "https://a.example/f.jar")).toString(), 422);
        assertThat(problem.toString()).contains("source.artifact.sha256").contains("is required");

        ObjectNode both = body("bad-source", source("git", "url", "https://git.example/f.git"));
        ((ObjectNode) both.get("source")).putObject("artifact").put("url", "/opt/f.jar").put("sha256", "0".repeat(64));
        assertThat(cluster.post("/api/v1/deployments", both.toString(), 422).toString())
                .contains("must name exactly one of git");

        ObjectNode plainSecret = body("bad-source", source("git", "url", "https://git.example/f.git"));
        ((ObjectNode) plainSecret.get("source")).put("credentials", "me:hunter2");
        assertThat(cluster.post("/api/v1/deployments", plainSecret.toString(), 422).toString())
                .contains("source.credentials").doesNotContain("hunter2");
    }

    // ------------------------------------------------------------------ helpers

    private static void assertNoCodeInTheDatabase() throws Exception {
        List<String> hits = new ArrayList<>();
        cluster.controlPlane().services().core().store().jdbi().useHandle(h -> {
            List<String> tables = h.createQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE lower(table_schema) = 'public' AND table_type = 'BASE TABLE'").mapTo(String.class).list();
            // A scan of no tables would pass whatever the store held.
            assertThat(tables).as("tables scanned").map(String::toLowerCase).contains("flow_runs", "deployments", "log_chunks");
            for (String table : tables) {
                h.createQuery("SELECT * FROM \"" + table + "\"").mapToMap().forEach(row -> row.forEach((column, value) -> {
                    String text = value instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(value);
                    if (text.contains(MARKER) || text.contains(PASSWORD)) {
                        hits.add(table + "." + column);
                    }
                }));
            }
        });
        assertThat(hits).as("columns holding code").isEmpty();
        try (Stream<Path> files = Files.walk(dir.resolve("cp"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(MARKER).doesNotContain(PASSWORD);
            }
        }
    }

    private static byte[] script(String line) {
        return ("# " + MARKER + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String commit(Path work, String line) throws Exception {
        Files.write(work.resolve("run.sh"), script(line));
        git(work, "add", "run.sh");
        git(work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", line);
        return git(work, "rev-parse", "HEAD").trim();
    }

    private static ObjectNode source(String kind, String... fields) {
        ObjectNode source = Cluster.JSON.createObjectNode();
        ObjectNode inner = source.putObject(kind);
        for (int i = 0; i < fields.length; i += 2) {
            inner.put(fields[i], fields[i + 1]);
        }
        return source;
    }

    private static ObjectNode body(String name, ObjectNode source) {
        ObjectNode body = Cluster.JSON.createObjectNode().put("name", name).put("flowName", name).put("workPool", "code");
        String file = source.has("git") ? "run.sh" : ArtifactName.of(source);
        body.putObject("entrypoint").putArray("command").add("sh").add(file);
        body.set("source", source);
        return body;
    }

    private static void deploy(String name, ObjectNode source) throws Exception {
        JsonNode r = Cluster.JSON.readTree(cluster.controlPlane().admin("POST", "/api/v1/deployments",
                body(name, source).toString()).body());
        assertThat(r.path("id").asText()).as(r.toString()).isNotEmpty();
    }

    private static String completed(String deployment) throws Exception {
        String run = cluster.run(deployment);
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("COMPLETED", "FAILED", "CRASHED")
                .contains(cluster.stateType(run)));
        assertThat(cluster.flowRun(run).get("state").toString()).contains("COMPLETED");
        return run;
    }

    private static String runningMessage(String run) throws Exception {
        for (JsonNode s : cluster.get("/api/v1/flow-runs/" + run + "/states")) {
            if (s.get("type").asText().equals("RUNNING")) {
                return s.get("message").asText();
            }
        }
        throw new AssertionError("no RUNNING state in " + cluster.history(run));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String git(Path in, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", args, out).isZero();
        return out;
    }

    /** The file name the agent gives an artifact: the URL's last path segment. */
    private static final class ArtifactName {
        static String of(ObjectNode source) {
            String url = source.get("artifact").get("url").asText();
            return url.substring(url.lastIndexOf('/') + 1);
        }
    }
}
