package io.flowplane.cli.runs;

import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print a run's log lines (with -o json: one JSON object per line).")
public final class RunsLogs extends ApiCommand {
    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines until the run ends")
    boolean follow;

    @Override
    protected int run(Api api) {
        return new RunWatcher(api, false).watch(RunIds.parse(id), follow);
    }
}
