package io.flowplane.cli.keys;

import io.flowplane.cli.Version;
import picocli.CommandLine.Command;

/** {@code flowplane api-key …} (admin keys only). */
@Command(name = "api-key", aliases = "api-keys", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create, list and revoke API keys (needs an admin key).",
        subcommands = {ApiKeyCreate.class, ApiKeyLs.class, ApiKeyRevoke.class})
public final class ApiKeyCommand {
}
