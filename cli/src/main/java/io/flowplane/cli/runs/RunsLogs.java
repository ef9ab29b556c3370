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

    @Option(names = "--level", paramLabel = "LEVELS", description = "only these levels, comma-separated (e.g. warn,error)")
    String level;

    @Option(names = "--stream", paramLabel = "STREAMS", description = "only these streams: stdout, stderr, logger")
    String stream;

    @Option(names = "--task-run", paramLabel = "ID", description = "only the lines of this task run")
    String taskRun;

    @Option(names = "--grep", paramLabel = "TEXT", description = "only lines containing this text (case-insensitive)")
    String text;

    @Override
    protected int run(Api api) {
        StringBuilder q = new StringBuilder();
        add(q, "level", level);
        add(q, "stream", stream);
        add(q, "task-run", taskRun);
        add(q, "text", text);
        return new RunWatcher(api, false).filter(q.toString()).watch(RunIds.parse(id), follow);
    }

    private static void add(StringBuilder q, String name, String value) {
        if (value != null && !value.isEmpty()) {
            q.append('&').append(name).append('=').append(Api.enc(value));
        }
    }
}
