package io.flowplane.cli.client;

import io.flowplane.cli.output.Output;
import picocli.CommandLine.Option;

/**
 * The options every REST-backed command takes. Mixed into the root command too, so both
 * {@code flowplane --url X runs ls} and {@code flowplane runs ls --url X} work; the command's own
 * value wins.
 */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "control plane REST URL (default: FLOWPLANE_URL, the profile, or http://localhost:8080)")
    public String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (default: FLOWPLANE_API_KEY or the profile)")
    public String apiKey;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "for https: CA certificate(s) to trust instead of the JVM's (default: FLOWPLANE_CA_FILE)")
    public String caFile;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "profile from ~/.flowplane/config.json (default: FLOWPLANE_PROFILE or the active one)")
    public String profile;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table or json (default: table)")
    public Output output;

    @Option(names = {"-v", "--verbose"}, description = "print stack traces on errors")
    public boolean verbose;

    /** This command's value for each option, else the root command's. */
    public ClientOptions over(ClientOptions root) {
        ClientOptions m = new ClientOptions();
        m.url = url != null ? url : root.url;
        m.apiKey = apiKey != null ? apiKey : root.apiKey;
        m.profile = profile != null ? profile : root.profile;
        m.caFile = caFile != null ? caFile : root.caFile;
        m.output = output != null ? output : root.output;
        m.verbose = verbose || root.verbose;
        return m;
    }
}
