package io.flowplane.cli.runs;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane runs …}: flow runs. */
@Command(name = "runs", aliases = "flow-runs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List, inspect, read logs of, cancel and retry flow runs.",
        subcommands = {RunsLs.class, RunsInspect.class, RunsLogs.class, RunsCancel.class, RunsRetry.class})
public final class RunsCommand {
}
