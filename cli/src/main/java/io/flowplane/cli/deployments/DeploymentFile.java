package io.flowplane.cli.deployments;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowplane.cli.CliException;
import io.flowplane.cli.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Reads a {@code flowplane.yaml} (format in docs/cli.md) into the REST bodies of the deployment
 * upsert. The file is the REST body plus a few conveniences, so the control plane stays the one
 * validator of deployment fields; this class only checks the file's shape and expands:
 * <ul>
 *   <li>a top-level {@code defaults} mapping, merged under every deployment (the deployment wins);</li>
 *   <li>{@code flowName} defaulting to {@code name};</li>
 *   <li>{@code entrypoint.command} given as one string: run by {@code sh -c};</li>
 *   <li>{@code schedules[].interval} as a duration text ({@code 15m}) for {@code intervalSeconds};</li>
 *   <li>{@code source.artifact.url} as a path relative to the file (made absolute), and its
 *       {@code sha256} computed from the local file when left out — or from the file
 *       {@code source.artifact.sha256Of} names, for an artifact published to a URL.</li>
 * </ul>
 */
public final class DeploymentFile {
    private static final ObjectMapper YAML = new YAMLMapper();

    private DeploymentFile() {
    }

    public static List<ObjectNode> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("no " + file + " here — pass the file with -f, or see docs/cli.md for the format");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    public static List<ObjectNode> parse(String text, String source) {
        return parse(text, source, null);
    }

    /** {@code baseDir}: what relative artifact paths are resolved against (null: the working directory). */
    public static List<ObjectNode> parse(String text, String source, Path baseDir) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new CliException(source + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("deployments").isArray()) {
            throw new CliException(source + ": expected a mapping with a 'deployments:' list (see docs/cli.md)");
        }
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (!k.equals("deployments") && !k.equals("defaults") && !k.equals("automations")) {
                throw new CliException(source + ": unknown top-level key '" + k
                        + "' (expected deployments, defaults, automations)");
            }
        }
        JsonNode defaults = root.path("defaults");
        if (!defaults.isMissingNode() && !defaults.isObject()) {
            throw new CliException(source + ": 'defaults' must be a mapping");
        }
        List<ObjectNode> out = new ArrayList<>();
        ArrayNode list = (ArrayNode) root.get("deployments");
        for (int i = 0; i < list.size(); i++) {
            String where = source + ": deployments[" + i + "]";
            if (!list.get(i).isObject()) {
                throw new CliException(where + " must be a mapping");
            }
            ObjectNode d = defaults.isObject() ? ((ObjectNode) defaults).deepCopy() : YAML.createObjectNode();
            list.get(i).fields().forEachRemaining(e -> d.set(e.getKey(), e.getValue().deepCopy()));
            out.add(expand(d, where, baseDir == null ? Path.of("").toAbsolutePath() : baseDir));
        }
        checkUniqueNames(out, source);
        return out;
    }

    /** The file's {@code automations:} list (REST bodies of POST /api/v1/automations), empty if there is none. */
    public static List<ObjectNode> automations(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        return automations(text, file.toString());
    }

    public static List<ObjectNode> automations(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        JsonNode list = root == null ? null : root.get("automations");
        List<ObjectNode> out = new ArrayList<>(triggerAutomations(root, source));
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new CliException(source + ": 'automations' must be a list");
        }
        Map<String, Integer> seen = new java.util.HashMap<>();
        out.forEach(a -> seen.put(a.get("name").asText(), -1));
        for (int i = 0; i < list.size(); i++) {
            String where = source + ": automations[" + i + "]";
            if (!list.get(i).isObject() || !list.get(i).path("name").isTextual()) {
                throw new CliException(where + " must be a mapping with a 'name'");
            }
            Integer before = seen.put(list.get(i).get("name").asText(), i);
            if (before != null && before < 0) {
                throw new CliException(source + ": automations[" + i + "] has the name of a deployment trigger: '"
                        + list.get(i).get("name").asText() + "'");
            }
            if (before != null) {
                throw new CliException(source + ": automations[" + before + "] and automations[" + i
                        + "] are both named '" + list.get(i).get("name").asText() + "'");
            }
            out.add((ObjectNode) list.get(i));
        }
        return out;
    }

    /**
     * A deployment's {@code triggers:} shorthand, as automations: {@code - after: extract} (with
     * optional {@code state}, default COMPLETED, and {@code parameter}, default upstreamRunId) runs
     * this deployment when a run of {@code extract} ends in that state, passing the upstream run's id.
     */
    static List<ObjectNode> triggerAutomations(JsonNode root, String source) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode deployments = root == null ? null : root.get("deployments");
        if (deployments == null || !deployments.isArray()) {
            return out;
        }
        for (int i = 0; i < deployments.size(); i++) {
            JsonNode d = deployments.get(i);
            JsonNode triggers = d.path("triggers");
            if (triggers.isMissingNode() || triggers.isNull()) {
                continue;
            }
            String where = source + ": deployments[" + i + "].triggers";
            if (!triggers.isArray()) {
                throw new CliException(where + " must be a list of {after: DEPLOYMENT, state: COMPLETED}");
            }
            for (int t = 0; t < triggers.size(); t++) {
                JsonNode trig = triggers.get(t);
                if (!trig.path("after").isTextual()) {
                    throw new CliException(where + "[" + t + "]: 'after' (the upstream deployment) is required");
                }
                String upstream = trig.get("after").asText();
                String state = trig.path("state").asText("COMPLETED").toLowerCase(java.util.Locale.ROOT);
                String parameter = trig.path("parameter").asText("upstreamRunId");
                String name = d.path("name").asText() + "-after-" + upstream
                        + (state.equals("completed") ? "" : "-" + state);
                ObjectNode a = YAML.createObjectNode().put("name", name)
                        .put("description", "deployment trigger of " + d.path("name").asText() + " in " + source);
                ObjectNode match = a.putObject("trigger").put("type", "event").putObject("match");
                match.putArray("types").add("flow-run." + state);
                match.put("deployment", upstream);
                ObjectNode action = a.putArray("actions").addObject().put("type", "run-deployment")
                        .put("deployment", d.path("name").asText());
                action.putObject("parameters").put(parameter, "{{ event.run.id }}");
                out.add(a);
            }
        }
        return out;
    }

    private static ObjectNode expand(ObjectNode d, String where, Path baseDir) {
        if (d.path("source").path("artifact").isObject()) {
            LocalArtifact.resolve((ObjectNode) d.get("source").get("artifact"), baseDir, where + ".source.artifact");
        }
        if (!d.path("name").isTextual()) {
            throw new CliException(where + ": 'name' is required");
        }
        // Shorthand for automations (see triggerAutomations); not a field of the deployment itself.
        d.remove("triggers");
        if (!d.has("flowName")) {
            d.put("flowName", d.get("name").asText());
        }
        JsonNode command = d.path("entrypoint").path("command");
        if (command.isTextual()) {
            ((ObjectNode) d.get("entrypoint")).set("command",
                    YAML.createArrayNode().add("sh").add("-c").add(command.asText()));
        }
        JsonNode schedules = d.path("schedules");
        for (int i = 0; i < schedules.size(); i++) {
            JsonNode s = schedules.get(i);
            if (s.isObject() && s.has("interval")) {
                OptionalDouble secs = Durations.seconds(s.get("interval").asText());
                if (secs.isEmpty()) {
                    throw new CliException(where + ".schedules[" + i + "].interval: '" + s.get("interval").asText()
                            + "' is not a duration such as 90s, 15m, 1h or PT1H");
                }
                ((ObjectNode) s).remove("interval");
                ((ObjectNode) s).put("intervalSeconds", secs.getAsDouble());
            }
        }
        return d;
    }

    private static void checkUniqueNames(List<ObjectNode> deployments, String source) {
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < deployments.size(); i++) {
            Integer before = seen.put(deployments.get(i).get("name").asText(), i);
            if (before != null) {
                throw new CliException(source + ": deployments[" + before + "] and deployments[" + i
                        + "] are both named '" + deployments.get(i).get("name").asText() + "'");
            }
        }
    }
}
