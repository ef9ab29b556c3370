package io.flowplane.sdk.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.app.ControlPlaneConfiguration;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.Flowplane;
import io.flowplane.sdk.Task;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.Views;
import io.flowplane.sdk.internal.Json;
import io.flowplane.sdk.results.LocalResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Direct mode given two control-plane replicas on one PostgreSQL (A first): the run is created and
 * reported through A; A stops while a task is running; the rest of the run — task reports, log
 * lines, a subflow created over REST after the stop, the final state — reaches B, and the store
 * holds every state, task run and line exactly once.
 */
class DirectModeFailoverTest {
    private static final String MARKER = "failover-line-";

    @TempDir
    Path dir;

    @Test
    void aDirectRunKeepsReportingThroughTheOtherReplicaWhenItsOwnStops() throws Exception {
        EmbeddedPostgresHolder.Database db = EmbeddedPostgresHolder.freshDatabase("sdk_failover");
        String jdbc = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", db.name());
        Consumer<ControlPlaneConfiguration> onPostgres = c -> {
            c.getDatabase().setDriverClass("org.postgresql.Driver");
            c.getDatabase().setUrl(jdbc);
            c.getDatabase().setUser("postgres");
        };
        CountDownLatch midRun = new CountDownLatch(1);
        CountDownLatch replicaStopped = new CountDownLatch(1);
        Task<Integer, Integer> step = Task.of("step", i -> {
            System.out.println(MARKER + i);
            return i * 2;
        });
        Task<String, String> hold = Task.of("hold", s -> {
            midRun.countDown();
            if (!replicaStopped.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never stopped replica A");
            }
            return s;
        });
        Flow<Integer, String> child = Flow.of("failover-child", Integer.class, n -> "child " + n);
        Flow<Integer, Integer> flow = Flow.of("failover-direct", Integer.class, n -> {
            int sum = 0;
            for (int i = 1; i <= n; i++) {
                sum += step.call(i);
            }
            hold.call("through A");
            for (int i = n + 1; i <= 2 * n; i++) {
                sum += step.call(i); // reported after A stopped
            }
            child.call(n); // a run created over REST after A stopped
            return sum;
        });

        try (TestControlPlane b = TestControlPlane.start(dir.resolve("b"), Clock.systemUTC(), onPostgres)) {
            TestControlPlane a = TestControlPlane.start(dir.resolve("a"), Clock.systemUTC(), onPostgres);
            String key;
            CompletableFuture<FlowRunResult<Integer>> running;
            FlowRunner runner;
            try {
                JsonNode created = Json.MAPPER.readTree(a.admin("POST", "/api/v1/api-keys",
                        "{\"name\":\"sdk-failover\",\"role\":\"developer\"}").body());
                key = created.get("key").asText();
                String rest = base(a) + "," + base(b);
                String grpc = "127.0.0.1:" + a.grpcPort() + ",127.0.0.1:" + b.grpcPort();
                runner = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("results")))
                        .reportTo(rest, grpc, true, key).build();
                running = CompletableFuture.supplyAsync(() -> runner.run(flow, 5));
                assertThat(midRun.await(30, TimeUnit.SECONDS)).as("the flow reached the held task").isTrue();
            } finally {
                a.close(); // replica A goes away while the run is in its middle
                replicaStopped.countDown();
            }
            FlowRunResult<Integer> result = running.get(60, TimeUnit.SECONDS);
            runner.close();
            assertThat(result.isCompleted()).as(String.valueOf(result.error())).isTrue();
            assertThat(result.result()).isEqualTo(2 * 55);

            FlowplaneClient client = new FlowplaneClient(base(b), key);
            UUID id = result.id();
            assertThat(client.run(id).state().type()).isEqualTo("COMPLETED");
            assertThat(client.states(id)).extracting(Views.HistoryView::type).containsExactly("RUNNING", "COMPLETED");
            List<String> expectedTasks = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                expectedTasks.add("step-" + i);
            }
            expectedTasks.add("hold-1");
            expectedTasks.add("subflow:failover-child-1");
            List<Views.TaskRunView> tasks = client.taskRuns(id);
            assertThat(tasks).extracting(Views.TaskRunView::name).containsExactlyInAnyOrderElementsOf(expectedTasks);
            assertThat(tasks).allSatisfy(t -> assertThat(t.state().type()).isEqualTo("COMPLETED"));
            List<String> lines = client.logs(id, 0, 1000).lines().stream().map(Views.LogView::message)
                    .filter(m -> m.startsWith(MARKER)).toList();
            assertThat(lines).as("every line once, in order")
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 10)
                            .mapToObj(i -> MARKER + i).toList());
            List<Views.FlowRunView> children = client.runs(null, 50).items().stream()
                    .filter(r -> r.tags().contains("subflow-of:" + id)).toList();
            assertThat(children).as("one child run").singleElement()
                    .satisfies(c -> assertThat(c.state().type()).isEqualTo("COMPLETED"));
            assertThat(rows(db, "SELECT count(*) FROM flow_runs")).as("the root and its child, no second run")
                    .isEqualTo(2);
            assertThat(rows(db, "SELECT count(*) FROM flow_run_states WHERE run_id = '" + id + "'"))
                    .as("RUNNING and COMPLETED stored once each").isEqualTo(2);
            assertThat(rows(db, "SELECT count(*) FROM task_runs WHERE flow_run_id = '" + id + "'"))
                    .isEqualTo(expectedTasks.size());
        } finally {
            EmbeddedPostgresHolder.drop(db);
        }
    }

    @Test
    void aBadListInTheEnvironmentIsNamedInTheError() {
        Flow<Integer, Integer> flow = Flow.of("never-runs", Integer.class, n -> n);
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        assertThatThrownBy(() -> Flowplane.run(flow, 1, new String[0],
                Map.of("FLOWPLANE_URL", "http://a:8080,,http://b:8080", "FLOWPLANE_API_KEY", "fp_x"), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWPLANE_URL 'http://a:8080,,http://b:8080': entry 2 is empty");
        assertThatThrownBy(() -> Flowplane.run(flow, 1, new String[0], Map.of("FLOWPLANE_URL", "http://a:8080",
                "FLOWPLANE_GRPC_TARGET", "a:9090,b:ninety", "FLOWPLANE_API_KEY", "fp_x"), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWPLANE_GRPC_TARGET 'a:9090,b:ninety': entry 2 ('b:ninety') is not host:port");
    }

    private static String base(TestControlPlane cp) {
        return "http://127.0.0.1:" + cp.rest("/").getPort();
    }

    private static long rows(EmbeddedPostgresHolder.Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
