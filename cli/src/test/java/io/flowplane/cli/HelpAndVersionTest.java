package io.flowplane.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command, however deep, answers --help and --version with exit 0 and says something. */
class HelpAndVersionTest {

    @Test
    void everyCommandHasHelpAndVersion() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(25);
        for (List<String> path : paths) {
            for (String flag : List.of("--help", "--version")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                CommandLine cli = Main.commandLine();
                StringWriter out = new StringWriter();
                cli.setOut(new PrintWriter(out));
                int code = cli.execute(args.toArray(String[]::new));
                assertThat(code).as("exit code of %s", args).isZero();
                assertThat(out.toString()).as("output of %s", args)
                        .contains(flag.equals("--help") ? "Usage:" : "flowplane " + Version.VERSION)
                        .doesNotContain("${picocli");
            }
        }
    }

    @Test
    void theAgentsHelpNamesItsOptionsAndTheSecretSyntaxLiterally() {
        // Both ways in: the full command tree, and the agent's own (what `flowplane agent` parses).
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(buf, true));
        try {
            assertThat(Main.execute("agent", "--help")).isZero();
        } finally {
            System.setOut(old);
        }
        StringWriter tree = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(tree));
        assertThat(cli.execute("agent", "--help")).isZero();
        for (String help : List.of(buf.toString(), tree.toString())) {
            assertThat(help).contains("-h, --help").contains("-V, --version").contains("${secret:NAME}")
                    .doesNotContain("${picocli").doesNotContain("null (FLOWPLANE_SECRETS_DIR)");
        }
    }

    @Test
    void unknownCommandIsAUsageError() {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("runz", "ls")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void completionScriptCoversNestedCommands() {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(buf, true));
        try {
            assertThat(Main.execute("completion")).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(buf.toString()).contains("complete -F").contains("work-pool").contains("_picocli_flowplane_runs_logs");
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        if (cmd.getCommandName().equals("help")) {
            return;
        }
        out.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            // Aliases map to the same command: visit each once, by its own name.
            if (name.equals(sub.getCommandName())) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                collect(sub, p, out);
            }
        });
    }
}
