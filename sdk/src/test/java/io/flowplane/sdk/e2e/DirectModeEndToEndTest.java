package io.flowplane.sdk.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.sdk.Artifacts;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.RetryPolicy;
import io.flowplane.sdk.Task;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.Views;
import io.flowplane.sdk.internal.Json;
import io.flowplane.sdk.results.LocalResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mode 3, by hand against the real control plane (in-process, H2 file): the run appears like any
 * other — COMPLETED, with task runs, states, logs, the artifact and a child run for the subflow —
 * and the values tasks returned are nowhere in the control plane's database file.
 */
class DirectModeEndToEndTest {
    static final String CANARY = "CANARY-d41d8cd98f00-result-value";
    static final String LOG_MARKER = "log-marker-5eb63bbbe01e";

    record Params(List<String> cities) {
    }

    record CityTotal(String city, String secret, int total) {
    }

    @TempDir
    Path cpDir;
    @TempDir
    Path results;

    @Test
    void runReportedDirectlyIsCompleteInTheApiAndItsResultsStayHome() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Task<String, CityTotal> total = Task.of("total", city -> {
            System.out.println(LOG_MARKER + " " + city);
            return new CityTotal(city, CANARY, city.length());
        });
        Task<List<CityTotal>, Integer> sum = Task.<List<CityTotal>, Integer>of("sum", rows -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("transient");
            }
            LoggerFactory.getLogger("e2e").info("summing {} rows", rows.size());
            return rows.stream().mapToInt(CityTotal::total).sum();
        }).retries(RetryPolicy.fixed(1, Duration.ofMillis(10)));
        Flow<Integer, String> child = Flow.of("e2e-child", Integer.class, n -> CANARY + n);
        Flow<Params, Integer> flow = Flow.of("e2e-direct", Params.class, p -> {
            List<CityTotal> rows = total.map(p.cities());
            Artifacts.table("totals", "Totals per city", rows.stream().map(r -> Map.of("city", r.city(),
                    "total", r.total())).toList());
            child.call(7);
            return sum.call(rows);
        });

        FlowRunResult<Integer> result;
        FlowplaneClient client;
        try (TestControlPlane cp = TestControlPlane.start(cpDir, Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + cp.rest("/").getPort();
            JsonNode key = Json.MAPPER.readTree(cp.admin("POST", "/api/v1/api-keys",
                    "{\"name\":\"sdk-dev\",\"role\":\"developer\"}").body());
            String developerKey = key.get("key").asText();
            try (FlowRunner runner = FlowRunner.builder().resultStore(new LocalResultStore(results))
                    .reportTo(url, "127.0.0.1:" + cp.grpcPort(), true, developerKey).build()) {
                result = runner.run(flow, new Params(List.of("Oslo", "Rome", "Lisbon")));
            }
            assertThat(result.isCompleted()).as(String.valueOf(result.error())).isTrue();
            assertThat(result.result()).isEqualTo(14);
            client = new FlowplaneClient(url, developerKey);

            Views.FlowRunView run = client.run(result.id());
            assertThat(run.state().type()).isEqualTo("COMPLETED");
            assertThat(run.flowName()).isEqualTo("e2e-direct");
            assertThat(run.deploymentId()).isNull();
            assertThat(run.parameters().get("cities")).hasSize(3);
            assertThat(client.states(run.id())).extracting(Views.HistoryView::type).containsExactly("RUNNING", "COMPLETED");

            List<Views.TaskRunView> tasks = client.taskRuns(run.id());
            assertThat(tasks).extracting(Views.TaskRunView::name).containsExactlyInAnyOrder("total-1", "total-2",
                    "total-3", "subflow:e2e-child-1", "sum-1");
            assertThat(tasks).allSatisfy(t -> {
                assertThat(t.state().type()).isEqualTo("COMPLETED");
                assertThat(t.resultUri()).startsWith(results.toUri().toString());
                assertThat(t.resultHash()).matches("sha256:[0-9a-f]{64}");
            });
            assertThat(tasks).filteredOn(t -> t.name().equals("sum-1")).singleElement()
                    .satisfies(t -> assertThat(t.attempt()).isEqualTo(2));

            Views.LogPage logs = client.logs(run.id(), 0, 1000);
            Views.TaskRunView oslo = tasks.stream().filter(t -> t.name().equals("total-1")).findFirst().orElseThrow();
            assertThat(logs.lines()).filteredOn(l -> l.message().startsWith(LOG_MARKER))
                    .extracting(Views.LogView::taskRunId).hasSize(3).doesNotContainNull();
            assertThat(logs.lines()).filteredOn(l -> l.message().equals(LOG_MARKER + " Oslo")).singleElement()
                    .satisfies(l -> assertThat(l.taskRunId()).isEqualTo(oslo.id()));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l.message()).isEqualTo("e2e: summing 3 rows"));

            List<Views.ArtifactView> artifacts = client.artifacts(run.id());
            assertThat(artifacts).singleElement().satisfies(a -> {
                assertThat(a.key()).isEqualTo("totals");
                assertThat(a.type()).isEqualTo("table");
                assertThat(Json.MAPPER.readTree(a.data())).hasSize(3);
            });

            Views.FlowRunView childRun = client.runs(null, 50).items().stream()
                    .filter(r -> r.tags().contains("subflow-of:" + run.id())).findFirst().orElseThrow();
            assertThat(childRun.flowName()).isEqualTo("e2e-child");
            assertThat(childRun.state().type()).isEqualTo("COMPLETED");
        }

        // Positive controls: the canary is on disk at home, and the scan finds text the control plane does hold.
        assertThat(filesContaining(results, CANARY)).isNotEmpty();
        List<Path> dbFiles;
        try (Stream<Path> files = Files.list(cpDir)) {
            dbFiles = files.filter(f -> f.getFileName().toString().endsWith(".db")).toList();
        }
        assertThat(dbFiles).isNotEmpty();
        assertThat(filesContaining(cpDir, LOG_MARKER)).as("the scan sees what was stored").isNotEmpty();
        assertThat(filesContaining(cpDir, CANARY)).as("no returned value reached the control plane's database")
                .isEmpty();
    }

    private static List<Path> filesContaining(Path dir, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> contains(read(f), needle)).toList();
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
