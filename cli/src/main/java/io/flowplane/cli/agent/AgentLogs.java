package io.flowplane.cli.agent;

import io.flowplane.agent.locallogs.LocalLogs;
import io.flowplane.cli.CliException;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code flowplane agent logs RUN_ID}: the lines an agent in logs-stay-local mode kept, read from its
 * state directory on this host (whoever may read that directory may read them; nothing is served
 * over the network).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print the log lines a run's agent kept locally (logs-stay-local mode).")
public final class AgentLogs implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_ID", description = "the flow run")
    String runId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "the agent's state directory (default ./flowplane-agent)")
    Path stateDir = Path.of("flowplane-agent");

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(stateDir.resolve(LocalLogs.DIR))) {
            throw new CliException("no local logs in " + stateDir + " (is it the state directory of an agent with logsStayLocal?)");
        }
        List<LocalLogs.Line> lines;
        try {
            lines = LocalLogs.read(stateDir, runId);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new CliException("no lines of run " + runId + " are kept in " + stateDir);
        }
        for (LocalLogs.Line l : lines) {
            System.out.println(l.at() + " " + l.level() + " " + l.message());
        }
        return 0;
    }
}
