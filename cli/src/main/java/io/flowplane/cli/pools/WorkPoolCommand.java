package io.flowplane.cli.pools;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane work-pool …}: where runs wait for agents. */
@Command(name = "work-pool", aliases = "work-pools", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create, list, inspect, pause and resume work pools.",
        subcommands = {WorkPoolCreate.class, WorkPoolLs.class, WorkPoolInspect.class, WorkPoolPause.class,
                WorkPoolResume.class})
public final class WorkPoolCommand {
}
