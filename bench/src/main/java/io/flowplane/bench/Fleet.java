package io.flowplane.bench;

import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.exec.NoopExecution;
import io.flowplane.agent.exec.RunSupervisor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Real agents ({@code io.flowplane.agent.Agent}, in this JVM) serving one pool, with the agent's
 * defaults (spool, batching, long polls, heartbeats) except the executor: a run whose entrypoint
 * is {@link Setup#NOOP} is executed by the agent's no-op executor (reported RUNNING then
 * COMPLETED, no process); any other run is executed as a real process, as the agent always does.
 * Every execution start is recorded in {@link Executions#GLOBAL}.
 */
final class Fleet implements AutoCloseable {
    static final String NOOP_COMMAND = "flowplane-bench-noop";

    private static final RunSupervisor.Executor BENCH_EXECUTOR = (run, supervisor, dir) ->
            run.claim().getEntrypoint().getCommandCount() == 1
                    && run.claim().getEntrypoint().getCommand(0).equals(NOOP_COMMAND)
                    ? NoopExecution.EXECUTOR.execution(run, supervisor, dir)
                    : RunSupervisor.Executor.PROCESS.execution(run, supervisor, dir);

    private final List<Agent> agents = new ArrayList<>();
    private Path states;

    static Fleet start(BenchControlPlane cp, String pool, int count, int slots) throws Exception {
        return start(List.of(cp), pool, count, slots);
    }

    /** Agent i connects to replica i mod size. */
    static Fleet start(List<BenchControlPlane> replicas, String pool, int count, int slots) throws Exception {
        Fleet f = new Fleet();
        Path states = Files.createTempDirectory("flowplane-bench-agents");
        f.states = states;
        RunSupervisor.Listener listener = new RunSupervisor.Listener() {
            @Override
            public void started(String runId, long epoch, long pid) {
                Executions.GLOBAL.started(runId);
            }
        };
        for (int i = 0; i < count; i++) {
            AgentConfig c = new AgentConfig();
            c.url = replicas.get(i % replicas.size()).grpcTarget();
            c.apiKey = BenchControlPlane.ADMIN_KEY;
            c.pool = pool;
            c.slots = slots;
            c.name = pool + "-agent-" + i;
            c.agentId = UUID.randomUUID().toString();
            c.stateDir = states.resolve("agent-" + i).toString();
            f.agents.add(Agent.start(c, Agent.Options.defaults().withListener(listener), BENCH_EXECUTOR));
        }
        return f;
    }

    @Override
    public void close() {
        agents.forEach(Agent::shutdown);
        // Their spools and run directories: a full run starts agents dozens of times.
        Dirs.deleteTree(states);
    }
}
