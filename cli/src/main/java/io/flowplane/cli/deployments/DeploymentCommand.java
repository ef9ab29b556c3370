package io.flowplane.cli.deployments;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane deployment …}: the registered deployments. */
@Command(name = "deployment", aliases = "deployments", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List, inspect, pause, resume and delete deployments.",
        subcommands = {DeploymentLs.class, DeploymentInspect.class, DeploymentPause.class, DeploymentResume.class,
                DeploymentDelete.class})
public final class DeploymentCommand {
}
