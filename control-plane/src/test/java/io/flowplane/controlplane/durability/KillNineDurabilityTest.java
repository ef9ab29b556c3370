package io.flowplane.controlplane.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.grpc.GrpcTestClient;
import io.flowplane.controlplane.testing.TestDatabase;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.PollWorkResponse;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.StateType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.flowplane.controlplane.grpc.GrpcTestClient.log;
import static io.flowplane.controlplane.grpc.GrpcTestClient.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control plane as a separate JVM on an H2 file (or a {@link TestDatabase} PostgreSQL one), killed with SIGKILL right after it
 * acknowledged an event batch while a second source is still sending. After a restart on the
 * same file every acknowledged event is there exactly once, and the sources resume from their
 * acknowledged sequence without duplicates.
 */
class KillNineDurabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "fp_durability_admin_key_0123456789abcdefghij";
    private static final String POOL = "durable";
    private static final String DEPLOYMENT = "durable-flow";
    private static final int RUNS = 200;
    private static final int SOURCES = 2;
    private static final int RUNS_PER_BATCH = 2;
    private static final int LINES_PER_RUN = 50;
    /** RUNNING, the lines and COMPLETED for each run of a batch. */
    private static final int EVENTS_PER_BATCH = RUNS_PER_BATCH * (LINES_PER_RUN + 2);
    private static final int BATCHES_PER_SOURCE = RUNS / SOURCES / RUNS_PER_BATCH;
    /** The control plane is killed right after source 0 got this many acknowledgements. */
    private static final int KILL_AFTER_ACKS = 15;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Path> childLogs = new ArrayList<>();
    private Process process;
    private GrpcTestClient grpc;
    private ExecutorService senders;
    private int restPort;
    private int adminPort;
    private int grpcPort;

    @AfterEach
    void cleanUp() throws Exception {
        if (grpc != null) {
            grpc.close();
        }
        if (senders != null) {
            senders.shutdownNow();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One source's events: contiguous sequence numbers, whole runs per batch. */
    private record Source(String id, List<String> runIds, List<EventBatch> batches) {
        long lastSeq() {
            return (long) batches.size() * EVENTS_PER_BATCH;
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyAcknowledgedEventSurvivesKillNine() throws Throwable {
        try {
            run();
        } catch (Throwable t) {
            for (Path p : childLogs) {
                System.err.println("===== control plane output: " + p + " =====");
                if (Files.exists(p)) {
                    System.err.println(Files.readString(p, StandardCharsets.UTF_8));
                }
            }
            throw t;
        }
    }

    private void run() throws Exception {
        Path config = writeConfig();
        startControlPlane(config);

        assertThat(rest("POST", "/api/v1/work-pools", "{\"name\":\"" + POOL + "\"}").statusCode()).isEqualTo(201);
        assertThat(rest("POST", "/api/v1/deployments", """
                {"name":"%s","flowName":"durable","workPool":"%s","entrypoint":{"command":["true"]}}"""
                .formatted(DEPLOYMENT, POOL)).statusCode()).isEqualTo(201);
        for (int i = 0; i < RUNS; i++) {
            HttpResponse<String> r = rest("POST", "/api/v1/deployments/" + DEPLOYMENT + "/runs", "{}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }

        List<ClaimedRun> claimed = claimAll();
        assertThat(claimed).hasSize(RUNS);
        assertThat(claimed).allSatisfy(c -> assertThat(c.getLeaseEpoch()).isEqualTo(1));
        List<Source> sources = plan(claimed);

        // Send until the kill; every acknowledgement received (before or after it) is recorded.
        AtomicLong[] acked = {new AtomicLong(), new AtomicLong()};
        CountDownLatch killNow = new CountDownLatch(1);
        senders = Executors.newFixedThreadPool(SOURCES);
        List<Future<?>> sending = new ArrayList<>();
        for (int s = 0; s < SOURCES; s++) {
            Source source = sources.get(s);
            AtomicLong ack = acked[s];
            boolean trigger = s == 0;
            sending.add(senders.submit(() -> send(source, ack, trigger ? killNow : null)));
        }
        assertThat(killNow.await(40, TimeUnit.SECONDS)).as("source 0 got " + KILL_AFTER_ACKS + " acks").isTrue();
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Future<?> f : sending) {
            f.get(30, TimeUnit.SECONDS);
        }
        grpc.close();
        long[] ackedBeforeKill = {acked[0].get(), acked[1].get()};
        assertThat(ackedBeforeKill[0]).isGreaterThanOrEqualTo((long) KILL_AFTER_ACKS * EVENTS_PER_BATCH);
        assertThat(ackedBeforeKill[0]).as("the kill came before source 0 was done").isLessThan(sources.get(0).lastSeq());

        // Same configuration, same database file.
        startControlPlane(config);

        // What each source has stored: never less than was acknowledged, always whole batches.
        long[] stored = new long[SOURCES];
        for (int s = 0; s < SOURCES; s++) {
            Source source = sources.get(s);
            stored[s] = grpc.events(ADMIN_KEY).sendEvents(EventBatch.newBuilder().setSourceId(source.id()).build())
                    .getAckedSeq();
            assertThat(stored[s]).as("stored seq of %s", source.id()).isGreaterThanOrEqualTo(ackedBeforeKill[s]);
            assertThat(stored[s] % EVENTS_PER_BATCH).as("a batch is stored whole or not at all").isZero();
        }
        System.out.printf("kill -9: acknowledged %s, stored after restart %s (of %d per source)%n",
                java.util.Arrays.toString(ackedBeforeKill), java.util.Arrays.toString(stored), sources.get(0).lastSeq());
        for (int s = 0; s < SOURCES; s++) {
            assertStoredExactly(sources.get(s), stored[s] / EVENTS_PER_BATCH);
        }
        assertThat(completedRuns()).isEqualTo((stored[0] + stored[1]) / EVENTS_PER_BATCH * RUNS_PER_BATCH);

        // The sources resume from what they saw acknowledged; anything already stored is a duplicate.
        for (int s = 0; s < SOURCES; s++) {
            Source source = sources.get(s);
            int from = (int) (ackedBeforeKill[s] / EVENTS_PER_BATCH);
            for (int b = from; b < source.batches().size(); b++) {
                EventAck ack = grpc.events(ADMIN_KEY).sendEvents(source.batches().get(b));
                long end = (long) (b + 1) * EVENTS_PER_BATCH;
                assertThat(ack.getAckedSeq()).isEqualTo(Math.max(end, stored[s]));
                assertThat(ack.getRejectionsList()).isEmpty();
            }
        }
        for (Source source : sources) {
            assertStoredExactly(source, source.batches().size());
        }
        assertThat(completedRuns()).isEqualTo(RUNS);
    }

    // ------------------------------------------------------------------ the workload

    private List<ClaimedRun> claimAll() {
        grpc.agent(ADMIN_KEY).register(RegisterRequest.newBuilder().setAgentId("durable-agent").addPools(POOL)
                .setSlots(RUNS).build());
        List<ClaimedRun> claimed = new ArrayList<>();
        for (int i = 0; i < 20 && claimed.size() < RUNS; i++) {
            PollWorkResponse r = grpc.agent(ADMIN_KEY).pollWork(PollWorkRequest.newBuilder().setAgentId("durable-agent")
                    .setPool(POOL).setMaxRuns(RUNS - claimed.size()).build());
            claimed.addAll(r.getRunsList());
        }
        return claimed;
    }

    private static List<Source> plan(List<ClaimedRun> claimed) {
        List<Source> sources = new ArrayList<>();
        int perSource = RUNS / SOURCES;
        for (int s = 0; s < SOURCES; s++) {
            List<String> runIds = claimed.subList(s * perSource, (s + 1) * perSource).stream()
                    .map(ClaimedRun::getRunId).toList();
            List<EventBatch> batches = new ArrayList<>();
            long seq = 0;
            for (int b = 0; b < BATCHES_PER_SOURCE; b++) {
                EventBatch.Builder batch = EventBatch.newBuilder().setSourceId("source-" + s);
                List<String> runs = runIds.subList(b * RUNS_PER_BATCH, (b + 1) * RUNS_PER_BATCH);
                for (String run : runs) {
                    batch.addEvents(state(++seq, run, 1, StateType.RUNNING));
                }
                for (int line = 0; line < LINES_PER_RUN; line++) {
                    for (String run : runs) {
                        batch.addEvents(log(++seq, run, 1, line(run, line)));
                    }
                }
                for (String run : runs) {
                    batch.addEvents(state(++seq, run, 1, StateType.COMPLETED));
                }
                batches.add(batch.build());
            }
            sources.add(new Source("source-" + s, runIds, batches));
        }
        return sources;
    }

    private static String line(String run, int line) {
        return "run " + run + " line " + line;
    }

    /** Sends batches in order until done or the control plane is gone, recording each ack. */
    private Void send(Source source, AtomicLong acked, CountDownLatch killNow) {
        int acks = 0;
        for (EventBatch batch : source.batches()) {
            EventAck ack;
            try {
                ack = grpc.events(ADMIN_KEY, Duration.ofSeconds(20)).sendEvents(batch);
            } catch (RuntimeException e) {
                // The control plane was killed: stop, as an agent would, and resend later.
                return null;
            }
            acked.accumulateAndGet(ack.getAckedSeq(), Math::max);
            if (killNow != null && ++acks == KILL_AFTER_ACKS) {
                killNow.countDown();
            }
        }
        return null;
    }

    /** The first {@code batches} batches of the source are stored exactly once; the rest not at all. */
    private void assertStoredExactly(Source source, long batches) throws Exception {
        for (int i = 0; i < source.runIds().size(); i++) {
            String run = source.runIds().get(i);
            boolean done = i / RUNS_PER_BATCH < batches;
            List<String> lines = new ArrayList<>();
            var logsResponse = rest("GET", "/api/v1/flow-runs/" + run + "/logs?limit=10000", null);
            assertThat(logsResponse.statusCode()).as("logs of %s: %s", run, logsResponse.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(logsResponse.body());
            page.get("lines").forEach(l -> lines.add(l.get("message").asText()));
            List<String> states = new ArrayList<>();
            JSON.readTree(rest("GET", "/api/v1/flow-runs/" + run + "/states", null).body())
                    .forEach(st -> states.add(st.get("type").asText()));
            if (done) {
                List<String> expected = new ArrayList<>();
                for (int line = 0; line < LINES_PER_RUN; line++) {
                    expected.add(line(run, line));
                }
                assertThat(lines).as("logs of run %s (%s)", run, source.id()).isEqualTo(expected);
                assertThat(states).as("states of run %s", run)
                        .containsExactly("SCHEDULED", "PENDING", "RUNNING", "COMPLETED");
            } else {
                assertThat(lines).as("logs of run %s (%s)", run, source.id()).isEmpty();
                assertThat(states).as("states of run %s", run).containsExactly("SCHEDULED", "PENDING");
            }
        }
    }

    private long completedRuns() throws Exception {
        HttpResponse<String> r = rest("GET", "/api/v1/flow-runs?deployment=" + DEPLOYMENT + "&state=COMPLETED&limit=500", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("items").size();
    }

    // ------------------------------------------------------------------ the child process

    private Path writeConfig() throws IOException {
        int[] ports = freePorts(3);
        restPort = ports[0];
        adminPort = ports[1];
        grpcPort = ports[2];
        Path db = dir.resolve("db");
        String yaml = """
                server:
                  applicationConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                database:
                  driverClass: %s
                  url: "%s"
                  user: %s
                  password: ""
                grpc:
                  bindHost: 127.0.0.1
                  port: %d
                auth:
                  bootstrapAdminKey: %s
                runs:
                  leaseDuration: 10 minutes
                """.formatted(restPort, adminPort, TestDatabase.driverClass(), TestDatabase.url(db), TestDatabase.user(),
                        grpcPort, ADMIN_KEY);
        Path config = dir.resolve("control-plane.yml");
        Files.writeString(config, yaml);
        return config;
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    private void startControlPlane(Path config) throws Exception {
        Path output = dir.resolve("control-plane-" + (childLogs.size() + 1) + ".log");
        childLogs.add(output);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "io.flowplane.controlplane.app.ControlPlaneApplication", "server", config.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        process = pb.start();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || healthy());
        assertThat(process.isAlive()).as("the control plane exited with %s; see its output",
                process.isAlive() ? "-" : String.valueOf(process.exitValue())).isTrue();
        grpc = new GrpcTestClient(grpcPort);
    }

    private boolean healthy() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + adminPort + "/healthcheck")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpResponse<String> rest(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + ADMIN_KEY);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
