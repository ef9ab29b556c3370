package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.CliException;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.UUID;

/** Starts a run of a deployment now; with --watch, follows it to the end and exits with its outcome. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Start a run of a deployment now.",
        footer = {"", "With --watch the exit code is the run's outcome: 0 completed, 1 failed, 3 cancelled, 4 crashed."})
public final class RunCommand extends ApiCommand {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Parameters(paramLabel = "DEPLOYMENT", description = "name or id")
    String deployment;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "parameter over the deployment's defaults; VALUE is read as JSON when it parses (42, true, "
                    + "[1,2]), else as text; repeatable")
    List<String> params = List.of();

    @Option(names = {"-w", "--watch"}, description = "stream state changes and logs until the run ends")
    boolean watch;

    @Option(names = "--name", description = "run name (default: generated)")
    String name;

    @Option(names = "--tag", paramLabel = "TAG", description = "tag for this run; repeatable")
    List<String> tags;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "repeating the command with the same key starts no second run")
    String idempotencyKey;

    @Override
    protected int run(Api api) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("parameters", parameters(params));
        if (name != null) {
            body.put("name", name);
        }
        if (tags != null) {
            tags.forEach(body.putArray("tags")::add);
        }
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        JsonNode run = api.post("api/v1/deployments/" + Api.enc(deployment) + "/runs", body);
        UUID id = UUID.fromString(run.path("id").asText());
        if (!watch) {
            if (api.json()) {
                api.printJson(run);
            } else {
                api.out().println("started run " + run.path("name").asText() + " (" + id + ") of " + deployment + ": "
                        + Fmt.state(run.path("state")));
                api.out().println("follow it with `flowplane runs logs " + id + " --follow`");
            }
            return ExitCodes.OK;
        }
        if (!api.json()) {
            api.out().println("run " + run.path("name").asText() + " (" + id + ") of " + deployment);
        }
        return new RunWatcher(api, true).watch(id, true);
    }

    /** KEY=VALUE pairs as a JSON object; values that parse as JSON keep their type. */
    static ObjectNode parameters(List<String> pairs) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new CliException("--param '" + p + "': expected KEY=VALUE", ExitCodes.USAGE, null);
            }
            String value = p.substring(eq + 1);
            JsonNode v;
            try {
                v = JSON.readTree(value);
                if (v == null || v.isMissingNode()) {
                    v = JsonNodeFactory.instance.textNode(value);
                }
            } catch (Exception e) {
                v = JsonNodeFactory.instance.textNode(value);
            }
            out.set(p.substring(0, eq), v);
        }
        return out;
    }
}
