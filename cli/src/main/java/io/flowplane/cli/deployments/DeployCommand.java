package io.flowplane.cli.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Errors;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.Version;
import io.flowplane.sdk.client.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * Registers every deployment of a flowplane.yaml. The control plane's upsert is idempotent and
 * says whether it created, updated or left each one unchanged; this prints that per deployment.
 * A rejected deployment does not stop the others; the exit code is 1 if any failed.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Register (create or update) every deployment in a flowplane.yaml.")
public final class DeployCommand extends ApiCommand {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "flowplane.yaml",
            description = "deployment file (default: ${DEFAULT-VALUE})")
    Path file;

    @Override
    protected int run(Api api) {
        List<ObjectNode> specs = DeploymentFile.read(file);
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        int failed = 0;
        int[] counts = new int[3];
        for (ObjectNode spec : specs) {
            String name = spec.get("name").asText();
            ObjectNode r = results.addObject().put("name", name);
            try {
                JsonNode d = api.post("api/v1/deployments", spec);
                String change = d.path("change").asText();
                r.put("id", d.path("id").asText()).put("change", change);
                counts[switch (change) { case "created" -> 0; case "updated" -> 1; default -> 2; }]++;
                if (!api.json()) {
                    api.out().printf("%-10s %s%n", change, name);
                }
            } catch (RuntimeException e) {
                failed++;
                String why = explain(e, api.target().url());
                r.put("change", "failed").put("error", why);
                if (!api.json()) {
                    api.out().printf("%-10s %s: %s%n", "failed", name, why);
                }
            }
        }
        // Automations after deployments: their actions may name the deployments just registered.
        List<ObjectNode> automations = DeploymentFile.automations(file);
        ArrayNode automationResults = JsonNodeFactory.instance.arrayNode();
        for (ObjectNode a : automations) {
            String name = a.get("name").asText();
            ObjectNode r = automationResults.addObject().put("name", name);
            try {
                String change = "created";
                try {
                    api.post("api/v1/automations", a);
                } catch (ApiException e) {
                    if (e.status() != 409) {
                        throw e;
                    }
                    api.client().request("PUT", "api/v1/automations/" + Api.enc(name), a);
                    change = "updated";
                }
                r.put("change", change);
                if (!api.json()) {
                    api.out().printf("%-10s automation %s%n", change, name);
                }
            } catch (RuntimeException e) {
                failed++;
                String why = explain(e, api.target().url());
                r.put("change", "failed").put("error", why);
                if (!api.json()) {
                    api.out().printf("%-10s automation %s: %s%n", "failed", name, why);
                }
            }
        }
        if (api.json()) {
            if (automations.isEmpty()) {
                api.printJson(results);
            } else {
                api.printJson(JsonNodeFactory.instance.objectNode().<ObjectNode>set("deployments", results)
                        .set("automations", automationResults));
            }
        } else {
            api.out().printf("%d deployment%s from %s: %d created, %d updated, %d unchanged%s%n", specs.size(),
                    specs.size() == 1 ? "" : "s", file, counts[0], counts[1], counts[2],
                    failed == 0 ? "" : ", " + failed + " failed");
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR;
    }

    private static String explain(RuntimeException e, String url) {
        if (e instanceof ApiException api && api.status() == 422 && api.body().contains("\"workPool\"")
                && api.body().contains("no work pool")) {
            return "its work pool does not exist — create it with `flowplane work-pool create NAME`";
        }
        if (!(e instanceof ApiException)) {
            // Unreachable server and the like: the same for every deployment, so stop here.
            throw Errors.describe(e, url);
        }
        return Errors.describe(e, url).getMessage();
    }
}
