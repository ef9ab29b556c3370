package io.flowplane.sdk;

import io.flowplane.sdk.internal.Json;
import io.flowplane.sdk.internal.Scope;

import java.util.List;

/**
 * Publishes artifacts from a flow or task: markdown, tables and links. They are reported with
 * the run (attributed to the current task run, if any). Outside a flow run they are ignored.
 */
public final class Artifacts {
    private Artifacts() {
    }

    public static void markdown(String key, String markdown) {
        publish(key, "markdown", null, markdown);
    }

    /** Rows as records, beans or maps; stored as a JSON array of objects. */
    public static void table(String key, String description, List<?> rows) {
        publish(key, "table", description, Json.write(rows));
    }

    public static void link(String key, String description, String url) {
        publish(key, "link", description, url);
    }

    private static void publish(String key, String type, String description, String data) {
        Scope scope = Scope.current();
        if (scope != null) {
            scope.run().artifact(new ArtifactEntry(scope.taskRunId(), key, type, description, data));
        }
    }
}
