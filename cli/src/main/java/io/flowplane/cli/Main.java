package io.flowplane.cli;

import io.flowplane.controlplane.app.ControlPlaneApplication;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/** The `flowplane` launcher. */
@Command(name = "flowplane", mixinStandardHelpOptions = true, version = "flowplane 0.1.0",
        description = "Flowplane: a hybrid workflow orchestrator.",
        subcommands = {Main.Server.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Run the control plane (REST on :8080, admin on :8081, gRPC on :9090; "
                    + "embedded H2 under ./flowplane-data unless the config says otherwise).")
    static final class Server implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "control-plane.yml (see deploy/control-plane.yml)")
        File config;

        @Override
        public Integer call() throws Exception {
            String[] args = config == null ? new String[]{"server"} : new String[]{"server", config.getPath()};
            new ControlPlaneApplication().run(args);
            // The server runs on its own threads until Ctrl-C / SIGTERM (Jetty stops at shutdown).
            Thread.currentThread().join();
            return 0;
        }
    }
}
