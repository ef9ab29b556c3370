package io.flowplane.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints a completion script generated from the command tree, so it never falls behind the commands. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print a bash/zsh completion script.",
        footer = {"", "bash:  source <(flowplane completion)",
                "zsh:   autoload -U +X bashcompinit && bashcompinit && source <(flowplane completion)",
                "Or save it: flowplane completion > /etc/bash_completion.d/flowplane"})
public final class CompletionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        System.out.print(AutoComplete.bash("flowplane", spec.root().commandLine()));
    }
}
