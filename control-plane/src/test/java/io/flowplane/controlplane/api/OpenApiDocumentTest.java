package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keeps src/main/resources/openapi.yaml in step with the JAX-RS resources: every (path, method)
 * the code serves is documented, and every documented one is served. Adding a resource method
 * without documenting it fails here.
 */
class OpenApiDocumentTest {
    /** The resources {@link RestApi} registers. */
    private static final List<Class<?>> RESOURCES = List.of(WorkPoolResource.class, DeploymentResource.class,
            FlowRunResource.class, AgentResource.class, ApiKeyResource.class, OpenApiResource.class,
            SchedulePreviewResource.class, ScheduleResource.class, BackfillResource.class, WhoAmIResource.class,
            RunChangesResource.class, RunStatsResource.class, io.flowplane.controlplane.audit.AuditResource.class,
            EventResource.class, AutomationResource.class, NotificationTargetResource.class, WebhookResource.class);
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head",
            "options", "trace");
    private static final Pattern TEMPLATE = Pattern.compile("\\{([^}/]*)}");

    private static JsonNode doc;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = OpenApiResource.class.getResourceAsStream("/openapi.yaml")) {
            assertThat(in).as("openapi.yaml on the classpath").isNotNull();
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @Test
    void isOpenApi31WithGlobalBearerAuth() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();

        Set<String> bearerSchemes = new TreeSet<>();
        doc.path("components").path("securitySchemes").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if ("http".equals(s.path("type").asText()) && "bearer".equalsIgnoreCase(s.path("scheme").asText())) {
                bearerSchemes.add(e.getKey());
            }
        });
        assertThat(bearerSchemes).as("an http bearer security scheme").isNotEmpty();

        Set<String> global = new TreeSet<>();
        doc.path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(global::add));
        assertThat(global).as("security applied globally").containsAnyElementsOf(bearerSchemes);
    }

    @Test
    void everyResourceMethodIsDocumentedAndNothingElse() {
        Set<String> inCode = new TreeSet<>(served().keySet());
        Set<String> documented = new TreeSet<>(documented().keySet());

        Set<String> undocumented = new TreeSet<>(inCode);
        undocumented.removeAll(documented);
        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeAll(inCode);

        assertSoftly(softly -> {
            softly.assertThat(undocumented).as("resource methods missing from openapi.yaml").isEmpty();
            softly.assertThat(notServed).as("operations in openapi.yaml that no resource method serves").isEmpty();
        });
    }

    @Test
    void queryAndHeaderParametersOfTheCodeAreDocumented() {
        Map<String, JsonNode> operations = documented();
        List<String> missing = new ArrayList<>();
        served().forEach((key, method) -> {
            JsonNode operation = operations.get(key);
            if (operation == null) {
                return; // reported by everyResourceMethodIsDocumentedAndNothingElse
            }
            Set<String> documentedParams = new HashSet<>();
            parameters(operation).forEach(p -> documentedParams.add(p.path("in").asText() + ":"
                    + (p.path("in").asText().equals("header") ? p.path("name").asText().toLowerCase(Locale.ROOT)
                    : p.path("name").asText())));
            for (Parameter p : method.getParameters()) {
                QueryParam q = p.getAnnotation(QueryParam.class);
                if (q != null && !documentedParams.contains("query:" + q.value())) {
                    missing.add(key + " query parameter " + q.value());
                }
                HeaderParam h = p.getAnnotation(HeaderParam.class);
                if (h != null && !documentedParams.contains("header:" + h.value().toLowerCase(Locale.ROOT))) {
                    missing.add(key + " header " + h.value());
                }
            }
        });
        assertThat(missing).as("parameters the code reads but openapi.yaml does not document").isEmpty();
    }

    @Test
    void everyPathTemplateVariableIsAPathParameter() {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            Set<String> variables = new TreeSet<>();
            Matcher m = TEMPLATE.matcher(path.getKey());
            while (m.find()) {
                variables.add(m.group(1));
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!HTTP_METHODS.contains(op.getKey())) {
                    continue;
                }
                Set<String> declared = new TreeSet<>();
                List<JsonNode> all = new ArrayList<>();
                path.getValue().path("parameters").forEach(p -> all.add(resolve(p)));
                all.addAll(parameters(op.getValue()));
                all.stream().filter(p -> "path".equals(p.path("in").asText()))
                        .forEach(p -> {
                            declared.add(p.path("name").asText());
                            if (!p.path("required").asBoolean(false)) {
                                problems.add(op.getKey() + " " + path.getKey() + ": path parameter "
                                        + p.path("name").asText() + " must be required");
                            }
                        });
                if (!declared.equals(variables)) {
                    problems.add(op.getKey() + " " + path.getKey() + ": declares path parameters " + declared
                            + " for template variables " + variables);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOperationAnswersErrorsAsProblemJsonAndHasAnId() {
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        documented().forEach((key, op) -> {
            String id = op.path("operationId").asText();
            if (id.isEmpty() || !operationIds.add(id)) {
                problems.add(key + ": missing or duplicate operationId '" + id + "'");
            }
            JsonNode responses = op.path("responses");
            if (!responses.has("401") || !responses.has("403")) {
                problems.add(key + ": every call is authenticated, so 401 and 403 must be documented");
            }
            if (!responses.fieldNames().hasNext() || !anySuccess(responses)) {
                problems.add(key + ": no 2xx response");
            }
            responses.fields().forEachRemaining(r -> {
                if (r.getKey().matches("[45]\\d\\d")
                        && !resolve(r.getValue()).path("content").has(Problem.MEDIA_TYPE)) {
                    problems.add(key + " " + r.getKey() + ": errors are " + Problem.MEDIA_TYPE);
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyLocalReferenceResolves() {
        List<String> dangling = new ArrayList<>();
        collectRefs(doc, dangling);
        assertThat(dangling).as("$refs that point nowhere").isEmpty();
    }

    /** A new resource class in the api package must join {@link #RESOURCES}, or it would go unchecked. */
    @Test
    void noResourceOfTheApiPackageIsLeftOutOfTheCheck() throws Exception {
        URL root = OpenApiResource.class.getProtectionDomain().getCodeSource().getLocation();
        File dir = "file".equals(root.getProtocol()) ? new File(new File(root.toURI()),
                OpenApiResource.class.getPackageName().replace('.', File.separatorChar)) : null;
        File[] files = dir == null ? null : dir.listFiles((d, name) -> name.endsWith(".class") && !name.contains("$"));
        // Packaged in a jar (or the classes being rebuilt right now): the explicit list is all there is.
        assumeTrue(files != null && new File(dir, "OpenApiResource.class").isFile());
        Set<String> found = new TreeSet<>();
        for (File f : files) {
            String name = f.getName().substring(0, f.getName().length() - ".class".length());
            Class<?> c = Class.forName(OpenApiResource.class.getPackageName() + "." + name, false,
                    OpenApiResource.class.getClassLoader());
            if (c.isAnnotationPresent(Path.class)) {
                found.add(c.getSimpleName());
            }
        }
        Set<String> listed = new TreeSet<>();
        RESOURCES.forEach(c -> listed.add(c.getSimpleName()));
        assertThat(listed).as("@Path classes in " + OpenApiResource.class.getPackageName()
                + " that OpenApiDocumentTest.RESOURCES does not list").containsAll(found);
    }

    /** "METHOD /normalised/{}/path" of each resource method, to the method. */
    private static Map<String, Method> served() {
        Map<String, Method> out = new TreeMap<>();
        for (Class<?> resource : RESOURCES) {
            Path classPath = resource.getAnnotation(Path.class);
            assertThat(classPath).as(resource.getSimpleName() + " has @Path").isNotNull();
            for (Method m : resource.getMethods()) {
                String http = httpMethod(m);
                Path methodPath = m.getAnnotation(Path.class);
                if (http == null) {
                    assertThat(methodPath).as(resource.getSimpleName() + "." + m.getName()
                            + ": sub-resource locators are not covered by this test").isNull();
                    continue;
                }
                String key = http + " " + normalise(join(classPath.value(), methodPath == null ? "" : methodPath.value()));
                Method previous = out.put(key, m);
                assertThat(previous).as("two methods serve " + key).isNull();
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** "METHOD /normalised/{}/path" of each documented operation, to the operation. */
    private static Map<String, JsonNode> documented() {
        Map<String, JsonNode> out = new TreeMap<>();
        JsonNode paths = doc.path("paths");
        assertThat(paths.isObject()).as("paths").isTrue();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (HTTP_METHODS.contains(op.getKey())) {
                    String key = op.getKey().toUpperCase(Locale.ROOT) + " " + normalise(path.getKey());
                    JsonNode previous = out.put(key, op.getValue());
                    assertThat(previous).as("documented twice: " + key).isNull();
                }
            }
        }
        return out;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    private static String join(String classPath, String methodPath) {
        String joined = "/" + classPath + "/" + methodPath;
        return joined.replaceAll("/+", "/");
    }

    /** Parameter names (and any regex) do not matter; trailing slashes neither. */
    static String normalise(String path) {
        String p = TEMPLATE.matcher(path.replaceAll("/+", "/")).replaceAll("{}");
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? p : "/" + p;
    }

    private static List<JsonNode> parameters(JsonNode operation) {
        List<JsonNode> out = new ArrayList<>();
        operation.path("parameters").forEach(p -> out.add(resolve(p)));
        return out;
    }

    /** Follows local {@code $ref}s to the node they name. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        for (int hops = 0; n.has("$ref") && hops < 10; hops++) {
            String ref = n.path("$ref").asText();
            assertThat(ref).as("only local references").startsWith("#/");
            n = doc.at(ref.substring(1));
            assertThat(n.isMissingNode()).as("$ref " + ref + " resolves").isFalse();
        }
        return n;
    }

    private static boolean anySuccess(JsonNode responses) {
        for (Iterator<String> it = responses.fieldNames(); it.hasNext(); ) {
            if (it.next().startsWith("2")) {
                return true;
            }
        }
        return false;
    }

    private static void collectRefs(JsonNode node, List<String> dangling) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String r = ref.asText();
                if (!r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode()) {
                    dangling.add(r);
                }
            }
            node.elements().forEachRemaining(child -> collectRefs(child, dangling));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, dangling));
        }
    }
}
