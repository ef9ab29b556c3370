package io.flowplane.agent;

import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scrapes the control plane's admin port and the agent's status port while one run is created,
 * claimed and completed, reading both with the Prometheus client's parser: the run gauges, the
 * transition counters, the claim, dispatch, event and request metrics and the agent's own move
 * as the run does.
 */
class PrometheusScrapeTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theNumbersFollowARunThroughItsLife() throws Exception {
        Path gate = dir.resolve("gate");
        try (Cluster cluster = Cluster.start(dir, c -> c.getPrometheus().gaugeCacheTtl = io.dropwizard.util.Duration.seconds(0))) {
            URI admin = cluster.controlPlane().admin("/metrics/prometheus");
            cluster.pool("prom");
            cluster.shellDeployment("gated", "prom",
                    "while [ ! -f '" + gate + "' ]; do sleep 0.05; done; echo one; echo two; echo three");

            Scrape before = Scrape.of(admin).textAgrees();
            assertThat(before.value("flowplane_runs_unfinished", "pool", "prom")).isZero();
            assertThat(before.names()).as("Dropwizard's metrics are bridged in").contains("flowplane_runs_claimed_total", "flowplane_events_batch_latency");

            String run = cluster.run("gated");
            Scrape created = Scrape.of(admin).textAgrees();
            assertThat(created.value("flowplane_runs_unfinished", "pool", "prom", "state", "SCHEDULED")).isEqualTo(1);
            assertThat(created.value("flowplane_runs_due", "pool", "prom", "queue", "default")).isEqualTo(1);
            assertThat(created.value("flowplane_runs_due_oldest_age_seconds", "pool", "prom")).isGreaterThanOrEqualTo(0);
            // Recorded when Jersey finishes the request, which may be just after the client has the answer.
            await().untilAsserted(() -> assertThat(Scrape.of(admin).value("flowplane_rest_request_duration_seconds",
                    "route", "/api/v1/deployments/{ref}/runs", "method", "POST", "status", "201")).isEqualTo(1));

            AgentConfig config = cluster.agentConfig("prom", cluster.grpcPort());
            config.statusPort = 0;
            Agent agent = cluster.startAgent(config, Agent.Options.defaults());
            URI agentMetrics = URI.create("http://127.0.0.1:" + agent.statusPort() + "/metrics");
            await().until(() -> "RUNNING".equals(cluster.stateType(run)));
            Scrape running = Scrape.of(admin).textAgrees();
            assertThat(running.value("flowplane_runs_unfinished", "pool", "prom", "state", "RUNNING")).isEqualTo(1);
            assertThat(running.value("flowplane_runs_unfinished", "pool", "prom", "state", "SCHEDULED")).isZero();
            assertThat(running.value("flowplane_runs_due", "pool", "prom")).isZero();
            assertThat(running.value("flowplane_run_transitions_total", "from", "scheduled", "to", "pending")).isEqualTo(1);
            assertThat(running.value("flowplane_run_transitions_total", "from", "pending", "to", "running")).isEqualTo(1);
            assertThat(running.value("flowplane_claim_duration_seconds")).isGreaterThanOrEqualTo(1);
            assertThat(running.value("flowplane_dispatch_latency_seconds", "pool", "prom")).isEqualTo(1);
            assertThat(running.value("flowplane_agents_online", "pool", "prom")).isEqualTo(1);
            assertThat(running.value("flowplane_grpc_call_duration_seconds",
                    "method", "flowplane.v1.AgentService/Register", "code", "OK")).isEqualTo(1);
            await().untilAsserted(() -> assertThat(Scrape.of(agentMetrics).textAgrees()
                    .value("flowplane_agent_runs_held")).isEqualTo(1));
            await().untilAsserted(() -> assertThat(health(agent)).contains("\"healthy\":true", "\"connected\":true"));

            Files.writeString(gate, "go");
            await().until(() -> "COMPLETED".equals(cluster.stateType(run)));
            // The agent's reports name its key in the state history (the test agent uses the admin key).
            var states = cluster.get("/api/v1/flow-runs/" + run + "/states");
            for (var st : states) {
                if (st.get("actor").asText().equals("agent")) {
                    assertThat(st.get("actorKeyId").isNull()).as("agent state %s names its key", st).isFalse();
                }
            }
            Scrape done = Scrape.of(admin).textAgrees();
            assertThat(done.value("flowplane_runs_unfinished", "pool", "prom")).isZero();
            assertThat(done.value("flowplane_run_transitions_total", "from", "running", "to", "completed")).isEqualTo(1);
            assertThat(done.value("flowplane_log_lines_ingested_total")).isGreaterThanOrEqualTo(3);
            assertThat(done.value("flowplane_event_batch_size")).isGreaterThanOrEqualTo(
                    running.value("flowplane_event_batch_size") + 1);
            await().untilAsserted(() -> {
                Scrape a = Scrape.of(agentMetrics).textAgrees();
                assertThat(a.value("flowplane_agent_runs_held")).isZero();
                assertThat(a.value("flowplane_agent_spool_unacked")).isZero();
                assertThat(a.value("flowplane_agent_spool_oldest_unacked_age_seconds")).isZero();
                assertThat(a.has("flowplane_agent_reports_refused")).isTrue();
                assertThat(a.has("flowplane_agent_reconnects")).isTrue();
            });
        }
    }

    private static String health(Agent agent) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.statusPort() + "/healthcheck")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
