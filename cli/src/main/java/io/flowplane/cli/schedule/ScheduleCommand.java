package io.flowplane.cli.schedule;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane schedule …}. */
@Command(name = "schedule", aliases = "schedules", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Check schedule expressions before deploying them; pause or resume one schedule of a deployment.",
        subcommands = {SchedulePreviewCommand.class, ScheduleActivation.Pause.class, ScheduleActivation.Resume.class})
public final class ScheduleCommand {
}
