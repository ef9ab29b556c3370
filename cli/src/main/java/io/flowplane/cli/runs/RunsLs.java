package io.flowplane.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List flow runs, newest first.")
public final class RunsLs extends ApiCommand {
    @Option(names = {"-d", "--deployment"}, paramLabel = "DEPLOYMENT", description = "only runs of this deployment (name or id)")
    String deployment;

    @Option(names = {"-s", "--state"}, paramLabel = "STATES",
            description = "only runs in these state types, comma-separated (e.g. running,failed)")
    String state;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "only runs carrying this tag")
    String tag;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "at most this many (1-500, default ${DEFAULT-VALUE})")
    int limit;

    @Override
    protected int run(Api api) {
        StringBuilder q = new StringBuilder("api/v1/flow-runs?limit=").append(limit);
        if (deployment != null) {
            q.append("&deployment=").append(Api.enc(deployment));
        }
        if (state != null) {
            q.append("&state=").append(Api.enc(state.toUpperCase(Locale.ROOT).replace(" ", "")));
        }
        if (tag != null) {
            q.append("&tag=").append(Api.enc(tag));
        }
        JsonNode page = api.get(q.toString());
        if (api.json()) {
            api.printJson(page);
            return 0;
        }
        Table t = new Table("ID", "NAME", "DEPLOYMENT", "STATE", "SCHEDULED", "DURATION", "ATTEMPT");
        for (JsonNode r : page.path("items")) {
            t.row(r.path("id").asText(), r.path("name").asText(),
                    r.path("deploymentName").asText(r.path("flowName").asText()), Fmt.state(r.path("state")),
                    Fmt.time(r, "scheduledAt"), Fmt.duration(Fmt.instant(r, "startedAt"), Fmt.instant(r, "endedAt")),
                    r.path("attempt").asInt());
        }
        if (t.isEmpty()) {
            api.out().println("no runs" + (deployment == null && state == null && tag == null ? " yet — start one with `flowplane run DEPLOYMENT`" : ""));
        } else {
            t.print(api.out());
        }
        return 0;
    }
}
