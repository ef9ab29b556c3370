package io.flowplane.controlplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a REST answer against openapi.yaml: the operation (method and path template) and the
 * status must be documented, and a JSON body must match the documented schema of that status
 * and content type (JSON Schema 2020-12, which OpenAPI 3.1 schemas are). The end-to-end suites
 * check every answer they receive through {@link TestControlPlane}, so the document and the code
 * cannot drift apart unnoticed.
 */
public final class ApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** The document served by the control plane. */
    public static final ApiContract SERVED = new ApiContract(load());

    private final JsonNode doc;
    private final List<Template> templates = new ArrayList<>();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private record Template(String path, Pattern pattern, int variables) {
    }

    public ApiContract(JsonNode doc) {
        this.doc = doc;
        for (Iterator<String> it = doc.path("paths").fieldNames(); it.hasNext(); ) {
            String p = it.next();
            String regex = Pattern.quote(p).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            templates.add(new Template(p, Pattern.compile(regex), p.split("\\{", -1).length - 1));
        }
        // A literal segment wins over a variable one (/flow-runs/changes before /flow-runs/{id}).
        templates.sort(Comparator.comparingInt(Template::variables));
    }

    /** openapi.yaml from the control plane's classpath, as a tree. */
    public static JsonNode load() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read openapi.yaml", e);
        }
    }

    /** What in this answer disagrees with the document; empty if nothing. */
    public List<String> check(String method, String rawPath, int status, String contentType, String body) {
        String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
        String what = method + " " + path + " → " + status;
        Template template = templates.stream().filter(t -> t.pattern().matcher(path).matches()).findFirst().orElse(null);
        if (template == null) {
            return status == 404 || status == 405 ? List.of() : List.of(what + ": no path of openapi.yaml matches");
        }
        JsonNode operation = doc.path("paths").path(template.path()).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return status == 405 ? List.of() : List.of(what + ": " + method + " " + template.path() + " is not documented");
        }
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            response = operation.path("responses").path("default");
        }
        if (response.isMissingNode()) {
            return List.of(what + ": status " + status + " is not documented for " + method + " " + template.path());
        }
        response = resolve(response);
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (body == null || body.isEmpty() || !(type.equals("application/json") || type.endsWith("+json"))) {
            return List.of();
        }
        JsonNode media = response.path("content").path(type);
        if (media.isMissingNode() || !media.has("schema")) {
            return List.of(what + ": " + type + " is not documented for this status");
        }
        String key = template.path() + " " + method + " " + status + " " + type;
        JsonSchema schema = schemas.computeIfAbsent(key, k -> schemaOf(media.get("schema")));
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return List.of(what + ": the body is not JSON");
        }
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(value)) {
            problems.add(what + ": " + m.getMessage());
        }
        return problems;
    }

    /** Throws an AssertionError naming every disagreement. */
    public void assertMatches(String method, String path, int status, String contentType, String body) {
        List<String> problems = check(method, path, status, contentType, body);
        if (!problems.isEmpty()) {
            throw new AssertionError("the answer does not match openapi.yaml:\n  " + String.join("\n  ", problems)
                    + "\nbody: " + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body));
        }
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            node = doc.at(ref.substring(1));
        }
        return node;
    }

    /** The schema with the document's components beside it, so its $refs resolve. */
    private JsonSchema schemaOf(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", doc.path("components"));
        root.set("allOf", JSON.createArrayNode().add(schema));
        return FACTORY.getSchema(root);
    }
}
