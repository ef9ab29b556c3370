package io.flowplane.examples;

import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.examples.sales.Deploy;
import io.flowplane.examples.sales.RegionTotal;
import io.flowplane.examples.sales.SalesParams;
import io.flowplane.examples.sales.SalesReport;
import io.flowplane.examples.sales.SalesReportFlow;
import io.flowplane.sdk.FlowRunResult;
import io.flowplane.sdk.FlowRunner;
import io.flowplane.sdk.State;
import io.flowplane.sdk.TaskRunResult;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.Views;
import io.flowplane.sdk.results.LocalResultStore;
import io.flowplane.sdk.testing.FlowTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SalesReportFlowTest {
    @TempDir
    Path dir;

    /** Totals computed straight from the CSV, independently of the flow. */
    private static Map<String, Double> expectedRevenue() throws Exception {
        Map<String, Double> m = new TreeMap<>();
        try (var in = SalesReportFlow.class.getResourceAsStream("/sales.csv")) {
            new String(in.readAllBytes()).lines().skip(1).map(l -> l.split(",")).forEach(f -> {
                try {
                    int q = Integer.parseInt(f[4]);
                    if (q > 0) {
                        m.merge(f[2], q * Double.parseDouble(f[5]), Double::sum);
                    }
                } catch (NumberFormatException ignored) {
                    // the sample's deliberately bad row
                }
            });
        }
        return m;
    }

    @Test
    void runsLocallyAndWritesTheReport() throws Exception {
        Path out = dir.resolve("out");
        try (FlowTester t = new FlowTester(dir.resolve("results"))) {
            FlowRunResult<SalesReport> r = t.run(SalesReportFlow.FLOW, new SalesParams("classpath:sales.csv",
                    out.toString(), 50));
            assertThat(r.state()).as(String.valueOf(r.error())).isEqualTo(State.COMPLETED);
            SalesReport report = r.result();
            assertThat(report.rowsRead()).isEqualTo(242);
            assertThat(report.rowsDropped()).isEqualTo(2);
            Map<String, Double> expected = expectedRevenue();
            assertThat(report.regions()).extracting(RegionTotal::region)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            report.regions().forEach(g -> assertThat(g.revenue()).isCloseTo(expected.get(g.region()),
                    org.assertj.core.data.Offset.offset(1e-6)));
            assertThat(r.taskRuns("aggregate")).hasSize(5).allSatisfy(a -> assertThat(a.state()).isEqualTo(State.COMPLETED));
            assertThat(Files.readString(Path.of(report.reportFile()))).startsWith("region,orders,units,revenue\n");
            assertThat(r.artifacts()).extracting(a -> a.key()).containsExactly("sales-by-region", "sales-summary");
            assertThat(r.logsOf(r.taskRun("transform"))).as("dropped rows are logged against the transform task")
                    .hasSize(2);

            FlowRunResult<SalesReport> again = t.run(SalesReportFlow.FLOW, new SalesParams("classpath:sales.csv",
                    out.toString(), 50));
            assertThat(again.taskRuns("aggregate")).extracting(TaskRunResult::state).containsOnly(State.CACHED);
            assertThat(again.result().totalRevenue()).isEqualTo(report.totalRevenue());
        }
    }

    @Test
    void deploysAndRunsByHandAgainstTheControlPlane() throws Exception {
        String canary = "CANARY-CUSTOMER-9a7b3c";
        Path csv = dir.resolve("orders.csv");
        Files.writeString(csv, "order_id,date,region,product,quantity,unit_price\n"
                + canary + ",2026-01-02,APAC,widget,3,2.50\nSO-2,2026-01-03,EMEA,gizmo,1,10.00\n");
        Path cpDir = Files.createDirectories(dir.resolve("cp"));
        FlowRunResult<SalesReport> r;
        try (TestControlPlane cp = TestControlPlane.start(cpDir, Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + cp.rest("/").getPort();
            FlowplaneClient client = new FlowplaneClient(url, TestControlPlane.ADMIN_KEY);
            client.ensureWorkPool("examples");
            Views.DeploymentView d = client.upsertDeployment(Deploy.spec("examples", "java", "app.jar"));
            assertThat(d.spec().parameterSchema().at("/properties/chunkSize/type").asText()).isEqualTo("integer");

            try (FlowRunner runner = FlowRunner.builder().resultStore(new LocalResultStore(dir.resolve("results")))
                    .reportTo(url, "127.0.0.1:" + cp.grpcPort(), true, TestControlPlane.ADMIN_KEY).build()) {
                r = runner.run(SalesReportFlow.FLOW, new SalesParams(csv.toString(), dir.resolve("out").toString(), 1));
            }
            assertThat(r.isCompleted()).as(String.valueOf(r.error())).isTrue();
            Views.FlowRunView run = client.run(r.id());
            assertThat(run.state().type()).isEqualTo("COMPLETED");
            assertThat(client.taskRuns(r.id())).extracting(Views.TaskRunView::name).contains("extract-1", "transform-1",
                    "aggregate-1", "aggregate-2", "merge-1", "write-report-1");
            assertThat(client.artifacts(r.id())).extracting(Views.ArtifactView::type).contains("table", "markdown");
        }
        try (var files = Files.walk(dir.resolve("results"))) {
            assertThat(files.filter(Files::isRegularFile).anyMatch(f -> read(f).contains(canary)))
                    .as("the transformed rows, with the canary order id, are in the local result store").isTrue();
        }
        try (var files = Files.walk(cpDir)) {
            List<Path> db = files.filter(Files::isRegularFile).toList();
            assertThat(db).isNotEmpty().allSatisfy(f -> assertThat(read(f)).doesNotContain(canary));
        }
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
