package io.flowplane.cli.agent;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane agent}: runs an agent; {@code flowplane agent ls} lists the registered ones. */
@Command(name = "agent", aliases = "agents", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run an agent, or list agents.", subcommands = AgentLs.class)
public final class AgentCommand {
}
