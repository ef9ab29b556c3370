package io.flowplane.agent;

import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A user's cancel reaches the agent through its command stream at once; the agent stops the whole
 * process tree (SIGTERM, SIGKILL after the grace period for a tree that ignores SIGTERM) and the
 * run ends CANCELLED within 5 s of the request. Heartbeats run every 30 s here, so they cannot be
 * what delivered the cancel.
 */
class CancellationTest {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static final Map<String, Long> pids = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start(dir, c -> { });
        cluster.pool("cancel");
        var config = cluster.agentConfig("cancel", cluster.grpcPort());
        config.heartbeatInterval = Duration.ofSeconds(30);
        cluster.startAgent(config, Agent.Options.defaults().withListener(new RunSupervisor.Listener() {
            @Override
            public void started(String runId, long epoch, long pid) {
                pids.put(runId, pid);
            }
        }));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void cancelStopsAShellAndItsChildrenWithinFiveSeconds() throws Exception {
        Path children = dir.resolve("children.pid");
        cluster.shellDeployment("tree", "cancel",
                "sleep 300 & echo $! >> " + children + "; sleep 300 & echo $! >> " + children + "; echo started; wait");
        assertCancelledQuickly("tree", children);
    }

    @Test
    void aTreeThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Path children = dir.resolve("stubborn.pid");
        cluster.shellDeployment("stubborn", "cancel",
                "trap '' TERM; sleep 300 & echo $! >> " + children + "; echo started; wait; wait; sleep 300");
        assertCancelledQuickly("stubborn", children);
    }

    private void assertCancelledQuickly(String deployment, Path children) throws Exception {
        String run = cluster.run(deployment);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.logMessages(run).contains("started"));
        long parent = pids.get(run);
        List<Long> kids = Files.readAllLines(children).stream().map(Long::parseLong).toList();
        assertThat(alive(parent)).isTrue();
        assertThat(kids).allSatisfy(k -> assertThat(alive(k)).isTrue());

        long requested = System.nanoTime();
        cluster.post("/api/v1/flow-runs/" + run + "/cancel", null, 200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> cluster.stateType(run).equals("CANCELLED"));
        long millis = (System.nanoTime() - requested) / 1_000_000;
        System.out.printf("cancel of %s: CANCELLED after %d ms%n", deployment, millis);

        assertThat(cluster.history(run)).containsExactly("SCHEDULED", "PENDING", "RUNNING", "CANCELLING", "CANCELLED");
        assertThat(cluster.flowRun(run).get("state").get("message").asText()).startsWith("cancelled: the process tree");
        assertThat(alive(parent)).isFalse();
        assertThat(kids).allSatisfy(k -> assertThat(alive(k)).as("child %d", k).isFalse());
    }

    /** Alive and not a zombie (an orphan's zombie waits for PID 1 to reap it). */
    static boolean alive(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return false;
    }
}
