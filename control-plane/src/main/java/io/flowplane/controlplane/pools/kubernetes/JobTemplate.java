package io.flowplane.controlplane.pools.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code kubernetes} pool's base Job template: {@code {"job": <a batch/v1 Job manifest>,
 * "variables": {...}}}. The variables are structured (not text substitution), so a template can
 * never render to an invalid manifest: {@link #resolve} writes them into the Job's known fields.
 * Deployments override variables with their {@code jobVariables}; the agent adds the run's own
 * name, labels, environment and deadline.
 */
public final class JobTemplate {
    /** The variables a template and a deployment may set, and nothing else (a typo is an error, not ignored). */
    public static final Set<String> VARIABLES = Set.of("image", "imagePullPolicy", "namespace", "command", "env",
            "resources", "serviceAccountName", "nodeSelector", "tolerations", "labels", "ttlSecondsAfterFinished");
    /** The container the run's command runs in: the one named so, else the first. */
    public static final String CONTAINER = "flow";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
    private static final Set<String> OPERATORS = Set.of("Exists", "Equal");
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private JobTemplate() {
    }

    /** What a pool created without a template gets (as Prefect's Kubernetes work pools do). */
    public static ObjectNode defaults() {
        ObjectNode t = JSON.createObjectNode();
        ObjectNode job = t.putObject("job");
        job.put("apiVersion", "batch/v1").put("kind", "Job");
        job.putObject("metadata");
        ObjectNode spec = job.putObject("spec");
        spec.put("backoffLimit", 0); // retries are the control plane's: one pod per attempt
        ObjectNode pod = spec.putObject("template").putObject("spec");
        pod.put("restartPolicy", "Never");
        pod.putArray("containers").addObject().put("name", CONTAINER);
        ObjectNode v = t.putObject("variables");
        v.put("image", "python:3.12-slim");
        v.put("imagePullPolicy", "IfNotPresent");
        // None: the serving agent's own namespace, the one its Role covers (agents refuse any other).
        v.putNull("namespace");
        v.putArray("command");
        v.putObject("env");
        ObjectNode resources = v.putObject("resources");
        resources.putObject("requests").put("cpu", "100m").put("memory", "256Mi");
        resources.putObject("limits").put("memory", "1Gi");
        v.putNull("serviceAccountName");
        v.putObject("nodeSelector");
        v.putArray("tolerations");
        v.putObject("labels");
        v.put("ttlSecondsAfterFinished", 3600);
        return t;
    }

    /** A template as given (null: the default), with missing variables filled from the default. */
    public static ObjectNode normalized(JsonNode given) {
        ObjectNode d = defaults();
        if (given == null || given.isNull()) {
            return d;
        }
        ObjectNode t = ((ObjectNode) given).deepCopy();
        if (!t.has("job")) {
            t.set("job", d.get("job"));
        }
        ObjectNode vars = t.has("variables") ? (ObjectNode) t.get("variables") : t.putObject("variables");
        d.get("variables").fields().forEachRemaining(e -> {
            if (!vars.has(e.getKey())) {
                vars.set(e.getKey(), e.getValue());
            }
        });
        return t;
    }

    /** Checks a pool's template (call before {@link #normalized}); errors name {@code field}.job... / .variables... */
    public static void validate(JsonNode template, String field, Validator v) {
        if (template == null || template.isNull()) {
            return;
        }
        if (!template.isObject()) {
            v.add(field, "must be an object with \"job\" (a Kubernetes Job manifest) and \"variables\"");
            return;
        }
        for (Iterator<String> it = template.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            v.check(k.equals("job") || k.equals("variables"), field + "." + k, "is not a template field: use \"job\" and \"variables\"");
        }
        JsonNode job = template.get("job");
        if (job != null) {
            validateJob(job, field + ".job", v);
        }
        JsonNode vars = template.get("variables");
        if (vars != null) {
            validateVariables(vars, field + ".variables", v);
        }
    }

    private static void validateJob(JsonNode job, String field, Validator v) {
        if (!job.isObject()) {
            v.add(field, "must be a Kubernetes Job manifest (an object)");
            return;
        }
        v.check("batch/v1".equals(job.path("apiVersion").asText()), field + ".apiVersion", "must be \"batch/v1\"");
        v.check("Job".equals(job.path("kind").asText()), field + ".kind", "must be \"Job\"");
        JsonNode containers = job.path("spec").path("template").path("spec").path("containers");
        if (!containers.isArray() || containers.isEmpty() || !containers.get(0).isObject()) {
            v.add(field + ".spec.template.spec.containers", "must list at least one container (the run's, named \""
                    + CONTAINER + "\" or the first)");
        }
        String restart = job.path("spec").path("template").path("spec").path("restartPolicy").asText("Never");
        v.check(restart.equals("Never"), field + ".spec.template.spec.restartPolicy",
                "must be \"Never\": each run attempt is one pod, retries are the deployment's");
    }

    /** Checks variables (a pool's or a deployment's overrides); errors name {@code field}.NAME. */
    public static void validateVariables(JsonNode vars, String field, Validator v) {
        if (!vars.isObject()) {
            v.add(field, "must be an object of variables: " + new java.util.TreeSet<>(VARIABLES));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = vars.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = field + "." + e.getKey();
            JsonNode n = e.getValue();
            if (!VARIABLES.contains(e.getKey())) {
                v.add(f, "is not a template variable; known: " + new java.util.TreeSet<>(VARIABLES));
                continue;
            }
            if (n.isNull()) {
                v.check(!e.getKey().equals("image"), f, "is required");
                continue;
            }
            switch (e.getKey()) {
                case "image" -> v.check(n.isTextual() && !n.asText().isBlank() && n.asText().length() <= 512
                        && n.asText().chars().noneMatch(Character::isWhitespace), f, "must be a container image reference, e.g. \"python:3.12-slim\"");
                case "imagePullPolicy" -> v.check(n.isTextual() && PULL_POLICIES.contains(n.asText()), f, "must be one of " + PULL_POLICIES);
                case "namespace" -> v.check(n.isTextual() && DNS_LABEL.matcher(n.asText()).matches(), f,
                        "must be a Kubernetes namespace name (lowercase letters, digits, '-'; at most 63)");
                case "serviceAccountName" -> v.check(n.isTextual() && DNS_SUBDOMAIN.matcher(n.asText()).matches(), f,
                        "must be a Kubernetes service account name (lowercase letters, digits, '-', '.')");
                case "command" -> v.check(n.isArray() && allText(n), f, "must be a list of strings");
                case "env" -> envVars(n, f, v);
                case "resources" -> resources(n, f, v);
                case "nodeSelector", "labels" -> labels(n, f, v);
                case "tolerations" -> tolerations(n, f, v);
                case "ttlSecondsAfterFinished" -> v.check(n.canConvertToInt() && n.isIntegralNumber() && n.asInt() >= 0, f,
                        "must be a whole number of seconds, 0 or more");
                default -> throw new IllegalStateException(e.getKey());
            }
        }
    }

    private static void envVars(JsonNode n, String f, Validator v) {
        if (!n.isObject()) {
            v.add(f, "must be an object of NAME: value strings");
            return;
        }
        n.fields().forEachRemaining(e -> v.check(ENV_NAME.matcher(e.getKey()).matches() && !e.getKey().startsWith("FLOWPLANE_")
                        && e.getValue().isTextual(), f + "." + e.getKey(),
                "must be a string, named with letters, digits and '_' (not starting with FLOWPLANE_)"));
    }

    private static void resources(JsonNode n, String f, Validator v) {
        if (!n.isObject()) {
            v.add(f, "must be an object with \"requests\" and/or \"limits\"");
            return;
        }
        n.fields().forEachRemaining(e -> {
            String g = f + "." + e.getKey();
            if (!e.getKey().equals("requests") && !e.getKey().equals("limits")) {
                v.add(g, "must be \"requests\" or \"limits\"");
            } else if (!e.getValue().isObject()) {
                v.add(g, "must be an object of resource quantities, e.g. {\"cpu\": \"500m\", \"memory\": \"1Gi\"}");
            } else {
                e.getValue().fields().forEachRemaining(q -> v.check(q.getValue().isTextual()
                                && QUANTITY.matcher(q.getValue().asText()).matches(), g + "." + q.getKey(),
                        "must be a Kubernetes quantity such as \"500m\", \"2\" or \"1Gi\""));
            }
        });
    }

    private static void labels(JsonNode n, String f, Validator v) {
        if (!n.isObject()) {
            v.add(f, "must be an object of label keys to string values");
            return;
        }
        n.fields().forEachRemaining(e -> v.check(LABEL_KEY.matcher(e.getKey()).matches() && e.getValue().isTextual()
                        && LABEL_VALUE.matcher(e.getValue().asText()).matches() && !e.getKey().startsWith("flowplane.io/"),
                f + "." + e.getKey(), "must be a Kubernetes label (key and value of at most 63 letters, digits, '-', '_', '.'; "
                        + "the flowplane.io/ prefix is the agent's)"));
    }

    private static void tolerations(JsonNode n, String f, Validator v) {
        if (!n.isArray()) {
            v.add(f, "must be a list of tolerations");
            return;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode t = n.get(i);
            String g = f + "[" + i + "]";
            if (!t.isObject()) {
                v.add(g, "must be an object with key, operator, value, effect");
                continue;
            }
            t.fieldNames().forEachRemaining(k -> v.check(Set.of("key", "operator", "value", "effect", "tolerationSeconds")
                    .contains(k), g + "." + k, "is not a toleration field"));
            v.check(!t.has("operator") || OPERATORS.contains(t.get("operator").asText()), g + ".operator", "must be one of " + OPERATORS);
            v.check(!t.has("effect") || EFFECTS.contains(t.get("effect").asText()), g + ".effect", "must be one of " + EFFECTS);
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The Job for a run: the pool's (normalized) template with its variables, overridden by the
     * deployment's ({@code overrides} may be null), written into the manifest. Maps merge key by
     * key (env, labels, node selector); everything else is replaced; resources merge per group.
     */
    public static ObjectNode resolve(JsonNode template, JsonNode overrides) {
        ObjectNode vars = ((ObjectNode) template.get("variables")).deepCopy();
        if (overrides != null && overrides.isObject()) {
            overrides.fields().forEachRemaining(e -> {
                JsonNode base = vars.get(e.getKey());
                if (base != null && base.isObject() && e.getValue().isObject()) {
                    ObjectNode merged = base.deepCopy();
                    if (e.getKey().equals("resources")) {
                        e.getValue().fields().forEachRemaining(g -> merged.set(g.getKey(), g.getValue()));
                    } else {
                        merged.setAll((ObjectNode) e.getValue());
                    }
                    vars.set(e.getKey(), merged);
                } else {
                    vars.set(e.getKey(), e.getValue());
                }
            });
        }
        ObjectNode job = ((ObjectNode) template.get("job")).deepCopy();
        ObjectNode meta = job.with("metadata");
        if (vars.hasNonNull("namespace")) {
            meta.put("namespace", vars.get("namespace").asText());
        }
        putAll(meta.with("labels"), vars.get("labels"));
        ObjectNode spec = job.with("spec");
        if (vars.hasNonNull("ttlSecondsAfterFinished")) {
            spec.put("ttlSecondsAfterFinished", vars.get("ttlSecondsAfterFinished").asInt());
        }
        ObjectNode podTemplate = spec.with("template");
        putAll(podTemplate.with("metadata").with("labels"), vars.get("labels"));
        ObjectNode pod = podTemplate.with("spec");
        pod.put("restartPolicy", "Never");
        if (vars.hasNonNull("serviceAccountName")) {
            pod.put("serviceAccountName", vars.get("serviceAccountName").asText());
        }
        putAll(pod.with("nodeSelector"), vars.get("nodeSelector"));
        if (vars.path("tolerations").size() > 0) {
            ArrayNode tol = pod.withArray("tolerations");
            vars.get("tolerations").forEach(tol::add);
        }
        ObjectNode c = container((ArrayNode) pod.get("containers"));
        c.put("image", vars.path("image").asText());
        if (vars.hasNonNull("imagePullPolicy")) {
            c.put("imagePullPolicy", vars.get("imagePullPolicy").asText());
        }
        if (vars.path("command").size() > 0) {
            c.set("command", vars.get("command"));
        }
        JsonNode env = vars.get("env");
        if (env != null && env.size() > 0) {
            ArrayNode list = c.withArray("env");
            env.fields().forEachRemaining(e -> list.addObject().put("name", e.getKey()).put("value", e.getValue().asText()));
        }
        JsonNode resources = vars.get("resources");
        if (resources != null && resources.size() > 0) {
            ObjectNode r = c.with("resources");
            resources.fields().forEachRemaining(g -> putAll(r.with(g.getKey()), g.getValue()));
        }
        return job;
    }

    private static ObjectNode container(ArrayNode containers) {
        for (JsonNode c : containers) {
            if (CONTAINER.equals(c.path("name").asText())) {
                return (ObjectNode) c;
            }
        }
        ObjectNode first = (ObjectNode) containers.get(0);
        if (!first.hasNonNull("name")) {
            first.put("name", CONTAINER);
        }
        return first;
    }

    private static void putAll(ObjectNode target, JsonNode source) {
        if (source != null && source.isObject()) {
            target.setAll((ObjectNode) source);
        }
    }
}
