package io.flowplane.cli;

import io.flowplane.cli.client.Profiles;
import io.flowplane.cli.client.Target;
import io.flowplane.sdk.client.ApiException;
import io.flowplane.sdk.client.FlowplaneClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Console;
import java.util.concurrent.Callable;

/** Checks a URL and key against the control plane, then saves them as the active profile. */
@Command(name = "login", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Save a control plane URL and API key as the active profile (~/.flowplane/config.json).")
public final class LoginCommand implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "URL", description = "control plane REST URL (default: " + Target.DEFAULT_URL + ")")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key; asked for when not given (not echoed)")
    String apiKey;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "default",
            description = "profile name (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = {"-v", "--verbose"}, description = "print stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() {
        String u = Target.normalize(url != null ? url
                : System.getenv().getOrDefault("FLOWPLANE_URL", Target.DEFAULT_URL));
        String key = apiKey != null ? apiKey : System.getenv("FLOWPLANE_API_KEY");
        if (key == null) {
            Console console = System.console();
            if (console == null) {
                throw new CliException("no API key: pass --api-key or set FLOWPLANE_API_KEY");
            }
            char[] typed = console.readPassword("API key for %s: ", u);
            key = typed == null ? "" : new String(typed).trim();
        }
        String warning = null;
        try {
            new FlowplaneClient(u, key).request("GET", "api/v1/work-pools", null);
        } catch (ApiException e) {
            if (e.status() != 403) {
                throw Errors.describe(e, u);
            }
            // An agent-role key may not read: it is still a valid key for this server.
            warning = "note: this key may not read deployments or runs (403)";
        } catch (RuntimeException e) {
            throw Errors.describe(e, u);
        }
        Profiles profiles = Profiles.forUser(System.getenv());
        profiles.save(profile, new Profiles.Profile(u, key));
        System.out.println("logged in to " + u + "; saved as profile '" + profile + "' (active) in " + profiles.path());
        if (warning != null) {
            System.out.println(warning);
        }
        return 0;
    }
}
