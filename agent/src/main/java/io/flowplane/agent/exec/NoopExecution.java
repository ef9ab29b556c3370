package io.flowplane.agent.exec;

import io.flowplane.proto.v1.StateType;

import java.nio.file.Path;

/**
 * An executor that starts no process: the run is reported RUNNING and then COMPLETED at once,
 * through the same reporter, spool and shipper as a real run. Used only by the benchmark harness,
 * which plugs it in through {@code Agent.start(config, options, executor)} to measure dispatch and
 * reporting without the cost of forking a process; the agent never selects it by itself.
 */
public final class NoopExecution implements Runnable {
    public static final RunSupervisor.Executor EXECUTOR = NoopExecution::new;

    private final ActiveRun run;
    private final RunSupervisor supervisor;
    private final Path runDir;

    private NoopExecution(ActiveRun run, RunSupervisor supervisor, Path runDir) {
        this.run = run;
        this.supervisor = supervisor;
        this.runDir = runDir;
    }

    @Override
    public void run() {
        try {
            supervisor.listener().started(run.id(), run.epoch(), -1);
            supervisor.reporter().state(run, StateType.RUNNING, null, "no-op execution started");
            run.closed = true;
            run.finalSeq = supervisor.reporter().state(run, StateType.COMPLETED, null, "no-op execution");
        } finally {
            supervisor.ended(run, runDir);
        }
    }
}
