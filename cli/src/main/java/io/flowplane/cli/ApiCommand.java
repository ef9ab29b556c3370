package io.flowplane.cli;

import io.flowplane.cli.client.ClientOptions;
import io.flowplane.cli.client.Profiles;
import io.flowplane.cli.client.Target;
import io.flowplane.cli.output.Output;
import io.flowplane.sdk.client.FlowplaneClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Base of every command that talks to the control plane's REST API: resolves the target (flags,
 * environment, profile), builds the SDK's client, and turns any failure into the one-line error
 * for that target. Subclasses implement {@link #run(Api)} and return the exit code.
 */
public abstract class ApiCommand implements Callable<Integer> {
    @Mixin
    public ClientOptions options = new ClientOptions();

    @Spec
    protected CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        ClientOptions o = effectiveOptions();
        Target target = Target.resolve(o, System.getenv(), Profiles.forUser(System.getenv()));
        String ca = o.caFile != null ? o.caFile : System.getenv("FLOWPLANE_CA_FILE");
        Api api = new Api(new FlowplaneClient(target.url(), target.apiKey(),
                ca == null || ca.isBlank() ? null : java.nio.file.Path.of(ca)), target,
                o.output == null ? Output.TABLE : o.output, System.out);
        try {
            return run(api);
        } catch (RuntimeException e) {
            throw Errors.describe(e, target.url());
        }
    }

    /** Does the work; may throw what the client throws (mapped to a one-line error by the caller). */
    protected abstract int run(Api api) throws Exception;

    private ClientOptions effectiveOptions() {
        Object root = spec.root().userObject();
        return root instanceof Main m ? options.over(m.options) : options;
    }
}
