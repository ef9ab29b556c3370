package io.flowplane.cli.automations;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane automation …}: triggers on events and the actions they take. */
@Command(name = "automation", aliases = "automations", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List, inspect, create, update, enable, disable and delete automations (see docs/automations.md).",
        subcommands = {AutomationLs.class, AutomationInspect.class, AutomationCreate.class, AutomationUpdate.class,
                AutomationEnable.class, AutomationDisable.class,
                AutomationDelete.class})
public final class AutomationCommand {
}
