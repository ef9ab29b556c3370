package io.flowplane.cli.agent;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code flowplane agent}: runs the agent module's own command (its options, config file and
 * environment precedence, graceful SIGTERM) unchanged; {@code flowplane agent ls} lists agents.
 */
@Command(name = "agent", aliases = "agents", versionProvider = Version.class,
        description = "Run an agent: long-poll a work pool over gRPC and run its flows as local processes.",
        footer = {"", "Sample configuration: deploy/agent.yml. `flowplane agent ls` lists registered agents; `flowplane agent audit` summarises what an agent sent; `flowplane agent logs RUN_ID` prints lines kept locally."},
        subcommands = {AgentLs.class, AgentAudit.class, AgentLogs.class})
public final class AgentCommand implements Callable<Integer> {
    @Mixin
    io.flowplane.agent.Main agent = new io.flowplane.agent.Main();

    @Override
    public Integer call() throws Exception {
        return agent.call();
    }
}
