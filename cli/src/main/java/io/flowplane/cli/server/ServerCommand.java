package io.flowplane.cli.server;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/** {@code flowplane server}: the control plane alone, as configured. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run the control plane (REST on :8080, admin on :8081, gRPC on :9090; "
                + "embedded H2 under ./flowplane-data unless the config says otherwise).",
        footer = {"", "Sample configuration: deploy/control-plane.yml (see deploy/README.md). Stops cleanly on Ctrl-C / SIGTERM."})
public final class ServerCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "control-plane.yml (see deploy/control-plane.yml)")
    File config;

    @Option(names = {"-v", "--verbose"}, description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (config != null && !config.isFile()) {
            throw new io.flowplane.cli.CliException("no configuration file " + config
                    + " — see deploy/control-plane.yml for a sample");
        }
        // Dropwizard is loaded from here on only: REST-only commands never pay for it.
        ControlPlaneLauncher.serve(config == null ? null : config.getPath());
        return 0;
    }
}
