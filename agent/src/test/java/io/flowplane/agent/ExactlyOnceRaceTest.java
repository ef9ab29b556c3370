package io.flowplane.agent;

import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.testing.Cluster;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.FlowRunDao;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three agents long-poll one pool while 1,000 runs are created: every run is executed exactly
 * once, counted on the agent side twice over — by the processes themselves (each appends its
 * run id to a file) and by the agents' start notifications.
 */
class ExactlyOnceRaceTest {
    private static final int RUNS = 1000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void threeAgentsExecuteEveryRunExactlyOnce() throws Exception {
        Path executions = dir.resolve("executions.log");
        Files.createFile(executions);
        Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
        Map<String, Set<String>> byAgent = new ConcurrentHashMap<>();
        try (Cluster cluster = Cluster.start(dir, c -> { })) {
            cluster.pool("race");
            cluster.shellDeployment("race", "race", "echo \"$FLOWPLANE_RUN_ID\" >> '" + executions + "'");
            for (int i = 0; i < 3; i++) {
                String name = "agent-" + i;
                Set<String> mine = ConcurrentHashMap.newKeySet();
                byAgent.put(name, mine);
                var config = cluster.agentConfig("race", cluster.grpcPort());
                config.slots = 4;
                cluster.startAgent(config, Agent.Options.defaults().withListener(new RunSupervisor.Listener() {
                    @Override
                    public void started(String runId, long epoch, long pid) {
                        starts.computeIfAbsent(runId, r -> new AtomicInteger()).incrementAndGet();
                        mine.add(runId);
                    }
                }));
            }

            List<String> created = createRuns(cluster);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() ->
                    cluster.controlPlane().services().core().store().jdbi()
                            .withExtension(FlowRunDao.class, d -> d.countByState(StateType.COMPLETED)) == RUNS);

            List<String> lines = Files.readAllLines(executions);
            assertThat(lines).hasSize(RUNS);
            assertThat(new HashSet<>(lines)).containsExactlyInAnyOrderElementsOf(created);
            assertThat(starts).hasSize(RUNS);
            assertThat(starts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            // All three took part in the race.
            assertThat(byAgent.values()).allSatisfy(runs -> assertThat(runs).isNotEmpty());
            System.out.printf("race: runs per agent %s%n", byAgent.values().stream().map(Set::size).toList());
            long notCompleted = cluster.controlPlane().services().core().store().jdbi().withExtension(FlowRunDao.class,
                    d -> d.countByState(StateType.FAILED) + d.countByState(StateType.CRASHED));
            assertThat(notCompleted).isZero();
        }
    }

    private static List<String> createRuns(Cluster cluster) throws Exception {
        ExecutorService creators = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                futures.add(creators.submit(() -> cluster.run("race")));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            creators.shutdown();
        }
    }
}
