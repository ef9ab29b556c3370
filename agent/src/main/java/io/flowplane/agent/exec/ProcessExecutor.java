package io.flowplane.agent.exec;

import java.nio.file.Path;
import java.util.List;

/** The agent's own executor: each run a local process tree under its watchdog; adopts what an earlier agent left. */
final class ProcessExecutor implements RunSupervisor.Executor {
    @Override
    public Runnable execution(ActiveRun run, RunSupervisor supervisor, Path runDir) {
        return new FlowProcess(run, supervisor, runDir);
    }

    @Override
    public List<RunSupervisor.Adoption> recover(RunSupervisor supervisor) {
        return new RunRecovery(supervisor).scan();
    }
}
