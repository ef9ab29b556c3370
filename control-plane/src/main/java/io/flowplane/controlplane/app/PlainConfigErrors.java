package io.flowplane.controlplane.app;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * Dropwizard's {@code server} command, except that a configuration file it cannot use is
 * reported as its message alone (which names the file, the field and what is wrong): the stack
 * trace Dropwizard prints under it tells the user nothing more and buries the line that matters.
 */
final class PlainConfigErrors extends ServerCommand<ControlPlaneConfiguration> {

    PlainConfigErrors(Application<ControlPlaneConfiguration> application) {
        super(application);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof ConfigurationException) {
            cli.getStdErr().println(e.getMessage().strip());
        } else {
            super.onError(cli, namespace, e);
        }
    }
}
