package io.flowplane.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List audit events, newest first.")
public final class AuditLs extends ApiCommand {
    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "at most this many (1-500, default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "continue after a previous page (its nextCursor)")
    String cursor;

    @Override
    protected int run(Api api) {
        JsonNode page = api.get("api/v1/audit-events?limit=" + limit + (cursor == null ? "" : "&cursor=" + Api.enc(cursor)));
        if (api.json()) {
            api.printJson(page);
            return 0;
        }
        Table t = new Table("TIME", "KEY", "ROLE", "METHOD", "RESOURCE", "STATUS", "OUTCOME", "FROM");
        for (JsonNode e : page.path("items")) {
            t.row(Fmt.time(e, "at"), e.path("keyName").isNull() ? "(no key)" : e.path("keyName").asText(),
                    Fmt.text(e, "role"), e.path("method").asText(), e.path("resource").asText(), e.path("status").asInt(),
                    e.path("outcome").asText(), Fmt.text(e, "remoteAddress"));
        }
        if (t.isEmpty()) {
            api.out().println("no audit events");
        } else {
            t.print(api.out());
            if (!page.path("nextCursor").isNull()) {
                api.out().println("more: flowplane audit ls --cursor " + page.path("nextCursor").asText());
            }
        }
        return 0;
    }
}
