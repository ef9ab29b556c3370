package io.flowplane.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import io.flowplane.cli.output.Fmt;
import io.flowplane.cli.output.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List API keys (their prefixes, never the keys).")
public final class ApiKeyLs extends ApiCommand {
    @Override
    protected int run(Api api) {
        JsonNode keys = api.get("api/v1/api-keys");
        if (api.json()) {
            api.printJson(keys);
            return 0;
        }
        Table t = new Table("ID", "NAME", "ROLE", "PREFIX", "POOLS", "CREATED", "REVOKED");
        for (JsonNode k : keys) {
            java.util.List<String> pools = new java.util.ArrayList<>();
            k.path("pools").forEach(p -> pools.add(p.asText()));
            t.row(k.path("id").asText(), k.path("name").asText(), k.path("role").asText(), Fmt.text(k, "prefix"),
                    pools.isEmpty() ? null : String.join(",", pools), Fmt.time(k, "createdAt"), Fmt.time(k, "revokedAt"));
        }
        t.print(api.out());
        return 0;
    }
}
