package io.flowplane.cli.audit;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane audit …} (admin keys only). */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Read the audit log: who changed what through the API (needs an admin key).",
        subcommands = {AuditLs.class})
public final class AuditCommand {
}
