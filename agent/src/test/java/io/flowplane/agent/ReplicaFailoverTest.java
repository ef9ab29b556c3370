package io.flowplane.agent;

import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.controlplane.app.ControlPlaneConfiguration;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent given two control-plane replicas on one PostgreSQL ({@code url: a:port,b:port}) talks
 * to the first; when that replica stops in the middle of a run, the agent's channel moves to the
 * other, and the run finishes there with every line stored once, and new work reaches the agent
 * through the replica that is left.
 */
class ReplicaFailoverTest {
    private static final int TICKS = 10;

    @TempDir
    Path dir;

    @Test
    void anAgentMovesToTheOtherReplicaWhenItsOwnStopsAndItsRunCompletes() throws Exception {
        EmbeddedPostgresHolder.Database db = EmbeddedPostgresHolder.freshDatabase("agent_failover");
        String url = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", db.name());
        Consumer<ControlPlaneConfiguration> onPostgres = c -> {
            c.getDatabase().setDriverClass("org.postgresql.Driver");
            c.getDatabase().setUrl(url);
            c.getDatabase().setUser("postgres");
        };
        try (Cluster b = Cluster.start(dir.resolve("b"), onPostgres)) {
            String run;
            Agent agent;
            Cluster a = Cluster.start(dir.resolve("a"), onPostgres);
            try {
                a.pool("ha");
                a.shellDeployment("ticker", "ha",
                        "i=0; while [ $i -lt " + TICKS + " ]; do i=$((i+1)); echo \"tick $i\"; sleep 0.4; done");
                AgentConfig config = b.agentConfig("ha", a.grpcPort());
                config.url = "127.0.0.1:" + a.grpcPort() + ",127.0.0.1:" + b.grpcPort();
                agent = b.startAgent(config, Agent.Options.defaults());
                run = a.run("ticker");
                String started = run;
                await().atMost(Duration.ofSeconds(20)).until(() -> a.logMessages(started).contains("tick 2"));
                assertThat(reconnects(agent))
                        .as("connected once, to replica A").isEqualTo(0L);
            } finally {
                a.close(); // replica A goes away while the run prints
            }
            long stopped = System.nanoTime();
            String finished = run;
            await().atMost(Duration.ofSeconds(30)).until(() -> b.stateType(finished).equals("COMPLETED"));
            System.out.printf("replica A stopped; the run completed through replica B %d ms later%n",
                    (System.nanoTime() - stopped) / 1_000_000);
            List<String> expected = IntStream.rangeClosed(1, TICKS).mapToObj(i -> "tick " + i).toList();
            assertThat(b.logMessages(run)).as("every line once, in order").containsExactlyElementsOf(expected);
            assertThat(b.history(run)).as("one attempt, never crashed").doesNotContain("CRASHED");
            assertThat(reconnects(agent))
                    .as("the move to replica B counts as a reconnect").isGreaterThanOrEqualTo(1L);

            long created = System.nanoTime();
            String next = b.run("ticker");
            await().atMost(Duration.ofSeconds(30)).until(() -> b.stateType(next).equals("COMPLETED"));
            System.out.printf("a run created on replica B completed %d ms later%n", (System.nanoTime() - created) / 1_000_000);
        } finally {
            EmbeddedPostgresHolder.drop(db);
        }
    }

    private static long reconnects(Agent agent) {
        return (Long) agent.metrics().getGauges().get("flowplane.agent.reconnects").getValue();
    }
}
