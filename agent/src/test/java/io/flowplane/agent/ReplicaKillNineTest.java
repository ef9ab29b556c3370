package io.flowplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.agent.testing.ControlPlaneProcess;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two control-plane replicas (real JVMs) on one PostgreSQL, two agents each given both replicas
 * in a different order, runs created through both replicas all along and a schedule firing every
 * second — then replica A, the leader (it holds the advisory lock, so the scheduler and the reaper
 * run there), is killed with -9. Nothing it acknowledged is lost, no run executes or starts twice,
 * the agents carry on through B (the one that was on A reconnects), B takes the lead, and the
 * schedule has every instant exactly once.
 */
class ReplicaKillNineTest {
    private static final String RUNS = "runs: {heartbeatInterval: 500 milliseconds, leaseDuration: 5 seconds}";

    @TempDir
    Path dir;

    @Test
    void killingOneReplicaLosesNothingAndRunsNothingTwice() throws Exception {
        EmbeddedPostgresHolder.Database db = EmbeddedPostgresHolder.freshDatabase("replica_kill");
        String url = EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", db.name());
        List<Agent> agents = new ArrayList<>();
        try (ControlPlaneProcess a = ControlPlaneProcess.onPostgres(java.nio.file.Files.createDirectories(dir.resolve("a")), RUNS, url);
             ControlPlaneProcess b = ControlPlaneProcess.onPostgres(java.nio.file.Files.createDirectories(dir.resolve("b")), RUNS, url)) {
            a.start();
            // A alone: it takes the lock, and keeps it while B runs (a held lock is never handed over).
            await().atMost(Duration.ofSeconds(30)).until(() -> leaders(db).size() == 1);
            String leaderA = leaders(db).get(0);
            b.start();
            a.call("POST", "/api/v1/work-pools", "{\"name\":\"ha\"}");
            a.call("POST", "/api/v1/deployments", """
                    {"name":"job","flowName":"job","workPool":"ha","retries":1,"retryDelaysSeconds":[0],
                     "entrypoint":{"command":["sh","-c","sleep 1; echo done"]}}""");
            Instant scheduleCreated = Instant.now();
            a.call("POST", "/api/v1/deployments", """
                    {"name":"tick","flowName":"tick","workPool":"ha",
                     "entrypoint":{"command":["true"]},"schedules":[{"name":"every-second","intervalSeconds":1}]}""");
            agents.add(Agent.start(agent("agent-ab", a, b), Agent.Options.defaults()));
            agents.add(Agent.start(agent("agent-ba", b, a), Agent.Options.defaults()));

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean aDown = new AtomicBoolean();
            AtomicBoolean creating = new AtomicBoolean(true);
            Thread creator = new Thread(() -> {
                int i = 0;
                while (creating.get()) {
                    ControlPlaneProcess via = (i++ % 2 == 0 && !aDown.get()) ? a : b;
                    try {
                        HttpResponse<String> r = via.send("POST", "/api/v1/deployments/job/runs", "{}");
                        if (r.statusCode() == 201) {
                            acknowledged.add(Cluster.JSON.readTree(r.body()).get("id").asText());
                        }
                    } catch (Exception e) {
                        // refused or cut by the kill: not acknowledged, so nothing is owed
                    }
                }
            }, "run-creator");
            creator.start();
            // Load on both replicas, then the kill, then load on the survivor.
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20);
            assertThat(leaders(db)).as("the replica about to be killed leads").containsExactly(leaderA);
            Instant killedAt = Instant.now();
            a.killNine();
            aDown.set(true);
            int atKill = acknowledged.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= atKill + 20);
            creating.set(false);
            creator.join();

            await().atMost(Duration.ofSeconds(30)).until(() -> leaders(db).size() == 1 && !leaders(db).contains(leaderA));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> acknowledged.stream().allMatch(id -> state(b, id).equals("COMPLETED")));
            assertThat(acknowledged).as("runs acknowledged under load").hasSizeGreaterThan(20);
            for (String id : acknowledged) {
                List<String> done = new ArrayList<>();
                b.call("GET", "/api/v1/flow-runs/" + id + "/logs?limit=1000", null).get("lines")
                        .forEach(l -> done.add(l.get("message").asText()));
                assertThat(done).as("run %s executed exactly once", id).containsExactly("done");
                JsonNode states = b.call("GET", "/api/v1/flow-runs/" + id + "/states", null);
                List<Integer> running = new ArrayList<>();
                states.forEach(st -> {
                    if (st.get("type").asText().equals("RUNNING")) {
                        running.add(st.get("attempt").asInt());
                    }
                });
                assertThat(running).as("attempts of run %s that started RUNNING", id).containsExactly(1);
            }
            // agent-ab was on A (its first address): it moved to B, the only replica left, and its
            // heartbeats arrive there after the kill; agent-ba never left B.
            Agent onA = agents.get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> onA.health().connected());
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.parse(b.call("GET", "/api/v1/agents/" + onA.agentId(), null)
                    .get("lastHeartbeatAt").asText()).isAfter(killedAt));

            // Every instant of the schedule around the kill gets its run (the leader may have been A), once.
            // From 3 s before the kill, or the schedule's first whole second if it is younger than that.
            Instant first = scheduleCreated.plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
            Instant before = killedAt.minusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Instant from = before.isAfter(first) ? before : first;
            Instant to = killedAt.plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .alias("every instant from " + from + " to " + to + " has a run")
                    .until(() -> missing(runsPerInstant(b), from, to).isEmpty());
            Map<Instant, Integer> perInstant = runsPerInstant(b);
            for (Instant t = from; t.isBefore(to); t = t.plusSeconds(1)) {
                assertThat(perInstant.getOrDefault(t, 0)).as("runs of the schedule at %s", t).isEqualTo(1);
            }
        } finally {
            agents.forEach(Agent::shutdown);
            EmbeddedPostgresHolder.drop(db);
        }
    }

    /** application_name of every session holding the leadership lock (flowplane-<replica id>). */
    private static List<String> leaders(EmbeddedPostgresHolder.Database db) throws Exception {
        List<String> names = new ArrayList<>();
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT a.application_name FROM pg_locks l"
                     + " JOIN pg_stat_activity a ON a.pid = l.pid"
                     + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** How many runs of the every-second schedule exist for each instant. */
    private static Map<Instant, Integer> runsPerInstant(ControlPlaneProcess cp) throws Exception {
        Map<Instant, Integer> perInstant = new TreeMap<>();
        JsonNode page = cp.call("GET", "/api/v1/flow-runs?deployment=tick&limit=500", null);
        page.get("items").forEach(r -> perInstant.merge(Instant.parse(r.get("scheduledAt").asText()), 1, Integer::sum));
        return perInstant;
    }

    private static List<Instant> missing(Map<Instant, Integer> perInstant, Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(1)) {
            if (!perInstant.containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private AgentConfig agent(String name, ControlPlaneProcess first, ControlPlaneProcess second) {
        AgentConfig c = new AgentConfig();
        c.url = "127.0.0.1:" + first.grpcPort() + ",127.0.0.1:" + second.grpcPort();
        c.apiKey = Cluster.KEY;
        c.pool = "ha";
        c.slots = 8;
        c.name = name;
        c.stateDir = dir.resolve(name).toString();
        c.killGrace = Duration.ofSeconds(1);
        c.shutdownGrace = Duration.ofSeconds(5);
        c.reconnectMin = Duration.ofMillis(50);
        c.reconnectMax = Duration.ofMillis(500);
        c.drainTimeout = Duration.ofMillis(500);
        return c;
    }

    private static String state(ControlPlaneProcess cp, String id) {
        try {
            return cp.call("GET", "/api/v1/flow-runs/" + id, null).get("state").get("type").asText();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
