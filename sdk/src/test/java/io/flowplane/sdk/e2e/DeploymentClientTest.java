package io.flowplane.sdk.e2e;

import io.flowplane.controlplane.testing.TestControlPlane;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.client.ApiException;
import io.flowplane.sdk.client.DeploymentSpec;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.ScheduleSpec;
import io.flowplane.sdk.client.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Deployments registered from code through the REST client, against the real control plane. */
class DeploymentClientTest {
    record Params(String region, int limit) {
    }

    static final Flow<Params, Integer> flow = Flow.of("client-demo", Params.class, p -> p.limit())
            .description("counts things");

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static FlowplaneClient client;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
        client = new FlowplaneClient("http://127.0.0.1:" + cp.rest("/").getPort(), TestControlPlane.ADMIN_KEY);
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    private static DeploymentSpec spec(String name) {
        return DeploymentSpec.forFlow(flow).name(name).workPool("client-pool")
                .command("java", "-cp", "app.jar", "com.acme.Main").env("DB_PASSWORD", "${secret:db_password}")
                .parameters(new Params("emea", 10)).schedule(ScheduleSpec.cron("0 2 * * *").timezone("Europe/Oslo"))
                .retries(2).retryDelays(Duration.ofSeconds(30), Duration.ofMinutes(5)).timeout(Duration.ofHours(1))
                .tags("etl").build();
    }

    @Test
    void upsertFromCodeRegistersTheFlowWithItsSchemaAndIsIdempotent() {
        client.ensureWorkPool("client-pool");
        assertThat(client.ensureWorkPool("client-pool").name()).isEqualTo("client-pool");
        Views.DeploymentView created = client.upsertDeployment(spec("client-demo-upsert"));
        assertThat(created.change()).isEqualTo("created");
        assertThat(created.spec().flowName()).isEqualTo("client-demo");
        assertThat(created.spec().description()).isEqualTo("counts things");
        assertThat(created.spec().parameterSchema()).isEqualTo(flow.parameterSchema());
        assertThat(created.spec().schedules()).singleElement()
                .satisfies(s -> assertThat(s.timezone()).isEqualTo("Europe/Oslo"));
        assertThat(created.spec().retryDelaysSeconds()).containsExactly(30.0, 300.0);
        assertThat(created.spec().entrypoint().env()).containsEntry("DB_PASSWORD", "${secret:db_password}");

        Views.DeploymentView again = client.upsertDeployment(spec("client-demo-upsert"));
        assertThat(again.change()).isEqualTo("unchanged");
        assertThat(again.id()).isEqualTo(created.id());
    }

    @Test
    void awaitTerminalWakesAtTheRunsStateChangeAndOtherwiseReturnsItAsItIsAfterTheTimeout() throws Exception {
        client.ensureWorkPool("client-pool");
        client.upsertDeployment(spec("client-demo-await"));
        Views.FlowRunView waiting = client.runDeployment("client-demo-await", java.util.Map.of());
        long t0 = System.nanoTime();
        assertThat(client.awaitTerminal(waiting.id(), Duration.ofMillis(1500)).state().type()).isEqualTo("SCHEDULED");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));

        // Cancelled while the call waits on the run's events: it returns the cancelled run, long
        // before its timeout.
        long t1 = System.nanoTime();
        CompletableFuture<Views.FlowRunView> ended = CompletableFuture.supplyAsync(() -> {
            try {
                return client.awaitTerminal(waiting.id(), Duration.ofMinutes(2));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> !ended.isDone());
        client.cancel(waiting.id());
        assertThat(ended.get(25, TimeUnit.SECONDS).state().type()).isEqualTo("CANCELLED");
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(25));
        // Already terminal: answered at once.
        assertThat(client.awaitTerminal(waiting.id(), Duration.ofMinutes(2)).state().type()).isEqualTo("CANCELLED");
    }

    @Test
    void runsOfADeploymentMergeParametersAndValidateThemAgainstTheSchema() {
        client.ensureWorkPool("client-pool");
        client.upsertDeployment(spec("client-demo-nightly"));
        Views.FlowRunView run = client.runDeployment("client-demo-nightly", java.util.Map.of("limit", 99));
        assertThat(run.state().type()).isEqualTo("SCHEDULED");
        assertThat(run.parameters().get("region").asText()).isEqualTo("emea");
        assertThat(run.parameters().get("limit").asInt()).isEqualTo(99);
        assertThat(client.run(run.id()).id()).isEqualTo(run.id());
        assertThat(client.runs("client-demo-nightly", 10).items()).extracting(Views.FlowRunView::id).contains(run.id());

        assertThatThrownBy(() -> client.runDeployment("client-demo-nightly", java.util.Map.of("limit", "many")))
                .isInstanceOf(ApiException.class).satisfies(e -> {
                    assertThat(((ApiException) e).status()).isEqualTo(422);
                    assertThat(((ApiException) e).body()).contains("parameters.limit");
                });
        assertThat(client.cancel(run.id()).state().type()).isEqualTo("CANCELLED");
    }

    @Test
    void buildingWithoutAPoolOrCommandFailsBeforeAnyCall() {
        assertThatThrownBy(() -> DeploymentSpec.forFlow(flow).command("x").build()).hasMessageContaining("work pool");
        assertThatThrownBy(() -> DeploymentSpec.forFlow(flow).workPool("p").build()).hasMessageContaining("command");
        assertThat(DeploymentSpec.forFlow(flow).workPool("p").command("x").catchup(DeploymentSpec.Catchup.ALL)
                .catchupMaxRuns(5).maxLateness(Duration.ofMinutes(10)).build())
                .satisfies(s -> {
                    assertThat(s.catchup()).isEqualTo("all");
                    assertThat(s.catchupMaxRuns()).isEqualTo(5);
                    assertThat(s.maxLatenessSeconds()).isEqualTo(600.0);
                    assertThat(List.of(io.flowplane.sdk.internal.Json.write(s))).singleElement().asString()
                            .doesNotContain("\"schedules\"").doesNotContain("null");
                });
    }
}
