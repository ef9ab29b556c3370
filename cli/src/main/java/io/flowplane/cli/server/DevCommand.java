package io.flowplane.cli.server;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code flowplane dev}: everything on one machine in one process — a control plane on an H2 file,
 * an agent on the {@code default} pool, and the example flow as a scheduled deployment — and a CLI
 * profile pointing at it, so {@code flowplane …} in another terminal needs no flags.
 */
@Command(name = "dev", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run a control plane, an agent on the 'default' pool and the example flow in one process.",
        footer = {"", "Data (H2 file, agent spool, admin key) stays in --data-dir across restarts.",
                "Ctrl-C stops the agent (running flows get a few seconds), then the control plane."})
public final class DevCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "REST port; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--admin-port", defaultValue = "8081", description = "admin port (health, metrics); 0: free (default ${DEFAULT-VALUE})")
    int adminPort;

    @Option(names = "--grpc-port", defaultValue = "9090", description = "gRPC port for agents and the SDK; 0: free (default ${DEFAULT-VALUE})")
    int grpcPort;

    @Option(names = "--data-dir", defaultValue = "flowplane-dev", description = "where dev mode keeps its data (default ./${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--slots", defaultValue = "4", description = "runs the agent executes at once (default ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--no-example", negatable = false, description = "do not register and run the example flow")
    boolean noExample;

    @Option(names = "--profile", defaultValue = "dev", description = "CLI profile to write and activate (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--no-profile", description = "do not write a CLI profile")
    boolean noProfile;

    @Option(names = "--log-level", defaultValue = "WARN", description = "server and agent log level (default ${DEFAULT-VALUE})")
    String logLevel;

    @Option(names = {"-v", "--verbose"}, description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        DevMode.Settings s = new DevMode.Settings(port, adminPort, grpcPort, dataDir.toAbsolutePath().normalize(), slots,
                !noExample, noProfile ? null : profile, logLevel);
        // Dropwizard and the agent are loaded from here on only.
        new DevMode(s).runUntilStopped();
        return 0;
    }
}
