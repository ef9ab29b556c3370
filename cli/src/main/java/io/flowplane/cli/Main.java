package io.flowplane.cli;

import io.flowplane.cli.client.ClientOptions;
import io.flowplane.cli.deployments.DeployCommand;
import io.flowplane.cli.deployments.DeploymentCommand;
import io.flowplane.cli.keys.ApiKeyCommand;
import io.flowplane.cli.pools.WorkPoolCommand;
import io.flowplane.cli.runs.RunCommand;
import io.flowplane.cli.runs.RunsCommand;
import io.flowplane.cli.schedule.ScheduleCommand;
import io.flowplane.cli.agent.AgentCommand;
import io.flowplane.cli.server.DevCommand;
import io.flowplane.cli.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * The {@code flowplane} launcher. Commands that only talk REST load picocli, Jackson and the SDK's
 * client; the control plane (Dropwizard, Jetty) and the agent are loaded only by {@code server},
 * {@code agent} and {@code dev}, so everyday commands start fast.
 */
@Command(name = "flowplane", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Flowplane: a hybrid workflow orchestrator.%n"
                + "The control plane stores metadata; agents run your flows at home.",
        footer = {"", "Start here: `flowplane dev`, then in another terminal `flowplane runs ls`.",
                "Docs: docs/cli.md. Exit codes: 0 ok, 1 failed, 2 usage, 3 run cancelled, 4 run crashed."},
        subcommands = {
                ServerCommand.class, AgentCommand.class, DevCommand.class,
                io.flowplane.cli.init.InitCommand.class, LoginCommand.class, DeployCommand.class, DeploymentCommand.class, RunCommand.class,
                RunsCommand.class, WorkPoolCommand.class, ApiKeyCommand.class, io.flowplane.cli.audit.AuditCommand.class,
                ScheduleCommand.class,
                io.flowplane.cli.automations.AutomationCommand.class,
                CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Mixin
    ClientOptions options = new ClientOptions();

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        CommandLine alone = processCommand(args);
        if (alone != null) {
            return alone.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        return commandLine().execute(args);
    }

    /**
     * {@code flowplane server} and {@code flowplane agent} (long-running processes) parse only their
     * own command: building the whole command tree costs picocli's model of every REST command
     * and the Jackson classes some of them hold, a few hundred milliseconds of start-up and about
     * 2 MiB of an idle agent. Null for everything else, which gets the full tree.
     */
    private static CommandLine processCommand(String... args) {
        if (args.length == 0) {
            return null;
        }
        Object command = switch (args[0]) {
            case "server" -> new ServerCommand();
            case "agent", "agents" -> args.length > 1 && java.util.Set.of("ls", "list", "audit", "logs", "help").contains(args[1])
                    ? null : new AgentCommand();
            default -> null;
        };
        if (command == null) {
            return null;
        }
        CommandLine cli = new CommandLine(command);
        cli.setCommandName("flowplane " + args[0]);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(Main::onError);
        return cli;
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(Main::onError);
        return cli;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Every failure becomes one line on stderr and an exit code; the stack trace only with --verbose. */
    private static int onError(Exception e, CommandLine cmd, ParseResult parsed) {
        CliException c = e instanceof CliException ce ? ce : Errors.describe(e, "(unknown)");
        PrintWriter err = cmd.getErr();
        err.println("flowplane: " + c.getMessage());
        if (verbose(parsed)) {
            (c.getCause() != null ? c.getCause() : c).printStackTrace(err);
        }
        err.flush();
        return c.exitCode();
    }

    private static boolean verbose(ParseResult p) {
        for (ParseResult r = p; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
