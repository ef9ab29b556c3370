package io.flowplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The path of a new user, end to end: {@code flowplane init} into an empty directory, the generated
 * project built and tested by Maven (offline), {@code flowplane deploy} from the project, and a real
 * agent (the one of {@code flowplane dev}) fetching the project's jar by its sha256 and running it to
 * COMPLETED.
 *
 * <p>The generated project resolves io.flowplane:flowplane-bom and flowplane-sdk from a Maven local
 * repository. Installing this build's artifacts into ~/.m2 is not an option while other builds share
 * it, so the inner Maven gets a local repository of its own: every third-party directory of ~/.m2
 * linked in (offline, read only), and this build's freshly packaged parent, bom, proto and sdk laid out
 * where {@code mvn install} puts them (sdk/README.md documents that install command).
 */
class InitToRunIT {
    private static final Pattern REST = Pattern.compile("REST API\\s+http://127\\.0\\.0\\.1:(\\d+)/api/v1");
    private static final Pattern KEY = Pattern.compile("API key\\s+(fp_[A-Za-z0-9_-]{32,})");
    private static final Pattern RUN_ID = Pattern.compile("\\(([0-9a-f-]{36})\\)");
    private static final String VERSION = "0.1.0-SNAPSHOT";

    @TempDir
    Path tmp;
    private final Path jar = Path.of(System.getProperty("flowplane.jar", "target/flowplane.jar")).toAbsolutePath();
    private final Path repo = Path.of(System.getProperty("flowplane.repo", "..")).toAbsolutePath().normalize();
    private Process dev;
    private final StringBuffer devOut = new StringBuffer();

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @AfterEach
    void stopDevMode() {
        if (dev != null && dev.isAlive()) {
            dev.destroyForcibly();
        }
    }

    @Test
    void initBuildTestDeployAndRunOnARealAgent() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        startDevMode(); // comes up while Maven builds the project

        Path project = tmp.resolve("acme-flows");
        Result init = cli(tmp, "init", project.toString(), "--group-id", "com.acme");
        assertThat(init.exit()).as(init.all()).isZero();
        assertThat(project.resolve("pom.xml")).content().contains("<artifactId>flowplane-bom</artifactId>")
                .contains("<flowplane.version>" + VERSION + "</flowplane.version>");
        assertThat(project.resolve("src/main/java/com/acme/flows/AcmeFlowsFlow.java")).exists();
        assertThat(project.resolve("src/test/java/com/acme/flows/AcmeFlowsFlowTest.java")).content()
                .contains("@ExtendWith(FlowplaneExtension.class)");
        assertThat(Files.readAllLines(project.resolve("README.md"))).hasSize(5);

        Result again = cli(tmp, "init", project.toString());
        assertThat(again.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(again.err()).contains(project + " is not empty").doesNotContain("Exception");

        Result build = run(project, Map.of(), List.of(maven(), "-B", "-o", "-q", "verify",
                "-Dmaven.repo.local=" + localRepository()), 300);
        assertThat(build.exit()).as(build.all()).isZero();
        Path built = project.resolve("target/acme-flows.jar");
        assertThat(built).exists();
        String report = Files.readString(project.resolve("target/surefire-reports/TEST-com.acme.flows.AcmeFlowsFlowTest.xml"));
        assertThat(report).contains("tests=\"2\"").contains("failures=\"0\"").contains("errors=\"0\"");

        awaitDevMode();
        Result deploy = cli(project, "deploy");
        assertThat(deploy.exit()).as(deploy.all()).isZero();
        assertThat(deploy.out()).containsPattern("created\\s+acme-flows");

        Result run = cli(project, "run", "acme-flows", "--watch", "--param", "who=agent");
        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).contains("Hello, agent!").contains("state → Completed");
        Matcher id = RUN_ID.matcher(run.out());
        assertThat(id.find()).as(run.out()).isTrue();

        JsonNode detail = rest("/api/v1/flow-runs/" + id.group(1));
        assertThat(detail.path("codeVersion").asText()).isEqualTo("sha256:" + sha256(built));
        JsonNode deployment = rest("/api/v1/deployments/acme-flows");
        assertThat(deployment.at("/spec/source/artifact/url").asText()).isEqualTo(built.toString());
        assertThat(deployment.at("/spec/schedules/0/cron").asText()).isEqualTo("0 6 * * *");
    }

    // ------------------------------------------------------------------ the inner Maven's repository

    private Path localRepository() throws IOException {
        Path local = tmp.resolve("m2");
        Path shared = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Files.createDirectories(local.resolve("io"));
        link(shared, local, name -> !name.equals("io"));
        link(shared.resolve("io"), local.resolve("io"), name -> !name.equals("flowplane"));
        put(local, "flowplane-parent", repo.resolve("pom.xml"), null);
        put(local, "flowplane-bom", repo.resolve("bom/pom.xml"), null);
        put(local, "flowplane-proto", repo.resolve("proto/pom.xml"), repo.resolve("proto/target/flowplane-proto-" + VERSION + ".jar"));
        put(local, "flowplane-sdk", repo.resolve("sdk/pom.xml"), repo.resolve("sdk/target/flowplane-sdk-" + VERSION + ".jar"));
        return local;
    }

    private static void link(Path from, Path to, java.util.function.Predicate<String> which) throws IOException {
        try (Stream<Path> entries = Files.list(from)) {
            for (Path e : entries.toList()) {
                if (which.test(e.getFileName().toString())) {
                    Files.createSymbolicLink(to.resolve(e.getFileName()), e);
                }
            }
        }
    }

    private static void put(Path local, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(local.resolve("io/flowplane").resolve(artifactId).resolve(VERSION));
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"));
        if (jar != null) {
            assertThat(jar).as("built by this reactor (package)").exists();
            Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"));
        }
    }

    private static String maven() {
        String home = System.getProperty("maven.home");
        return home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString();
    }

    // ------------------------------------------------------------------ dev mode and the CLI

    private void startDevMode() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java(), "-Duser.home=" + tmp.resolve("home"), "-jar", jar.toString(),
                "dev", "--port", "0", "--admin-port", "0", "--grpc-port", "0", "--data-dir", tmp.resolve("data").toString())
                .directory(tmp.toFile()).redirectErrorStream(true);
        cliEnvironment(pb.environment());
        dev = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    devOut.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "dev-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitDevMode() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> !dev.isAlive() || devOut.toString().contains("Ctrl-C stops everything"));
        assertThat(devOut.toString()).as("dev mode came up").contains("Ctrl-C stops everything");
    }

    private JsonNode rest(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + group(REST) + path))
                .header("Authorization", "Bearer " + group(KEY)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private String group(Pattern p) {
        Matcher m = p.matcher(devOut);
        assertThat(m.find()).as(p + " in\n" + devOut).isTrue();
        return m.group(1);
    }

    private Result cli(Path in, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Duser.home=" + tmp.resolve("home"), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        cliEnvironment(env);
        return run(in, env, cmd, 120);
    }

    /** The CLI finds dev mode through the profile dev wrote into this HOME. */
    private void cliEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        env.put("HOME", tmp.resolve("home").toString());
    }

    /** {@code env} empty: this JVM's environment (Maven keeps the real HOME, hence ~/.m2). */
    private Result run(Path in, Map<String, String> env, List<String> cmd, int timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(in.toFile());
            if (!env.isEmpty()) {
                pb.environment().clear();
                pb.environment().putAll(env);
            }
            Path out = Files.createTempFile(tmp, "out", ".txt");
            Path err = Files.createTempFile(tmp, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within " + timeoutSeconds + " s; output so far:\n"
                        + Files.readString(out) + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
