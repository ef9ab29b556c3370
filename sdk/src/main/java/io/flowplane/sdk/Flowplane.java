package io.flowplane.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.proto.endpoints.Endpoints;
import io.flowplane.sdk.internal.AgentEnvironment;
import io.flowplane.sdk.internal.Json;
import io.flowplane.sdk.internal.Summary;
import io.flowplane.sdk.results.LocalResultStore;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The entry point of a flow program: {@code public static void main(String[] args) {
 * Flowplane.main(myFlow, defaults, args); }}. How it runs depends on the environment:
 * <ul>
 *   <li>under an agent ({@code FLOWPLANE_RUN_ID} and {@code FLOWPLANE_EVENTS_ENDPOINT} set): parameters
 *       from {@code FLOWPLANE_PARAMETERS_FILE}, reports to the agent's relay;</li>
 *   <li>by hand against a control plane ({@code FLOWPLANE_URL} and {@code FLOWPLANE_API_KEY} set; gRPC at
 *       {@code FLOWPLANE_GRPC_TARGET}, default the URL's host on port 9090, plaintext unless
 *       {@code FLOWPLANE_GRPC_TLS=true}; {@code FLOWPLANE_CA_FILE}: a PEM bundle of a private CA to trust for
 *       https and gRPC TLS; {@code FLOWPLANE_CLIENT_CERT_FILE} and {@code FLOWPLANE_CLIENT_KEY_FILE}: a client
 *       certificate and key, PEM, for a gRPC endpoint that requires mutual TLS): the run is created there and
 *       reported directly. Both URL variables take
 *       several replicas separated by commas; the run moves to the next when its replica cannot be
 *       reached;</li>
 *   <li>otherwise locally, with no server.</li>
 * </ul>
 * Parameters given as arguments ({@code key=value}, values parsed as JSON when they parse) override
 * the defaults. Prints a summary and exits 0 if the flow completed, 1 otherwise.
 */
public final class Flowplane {
    private Flowplane() {
    }

    public static <P, R> void main(Flow<P, R> flow, P defaults, String[] args) {
        System.exit(run(flow, defaults, args, System.getenv(), System.out));
    }

    /** {@link #main} without exiting: returns the exit code. */
    public static <P, R> int run(Flow<P, R> flow, P defaults, String[] args, Map<String, String> env, PrintStream out) {
        Optional<AgentEnvironment> agent = AgentEnvironment.from(env);
        FlowRunner.Builder builder = FlowRunner.builder();
        String results = env.get("FLOWPLANE_RESULTS_DIR");
        builder.resultStore(new LocalResultStore(Path.of(results == null || results.isBlank() ? ".flowplane/results"
                : results)));
        P parameters;
        if (agent.isPresent()) {
            builder.underAgent(agent.get());
            parameters = parameters(flow, defaults, agent.get().parametersFile() == null ? Json.MAPPER.createObjectNode()
                    : readObject(agent.get().parametersFile()));
        } else {
            String url = env.get("FLOWPLANE_URL");
            String key = env.get("FLOWPLANE_API_KEY");
            if (url != null && key != null) {
                boolean plaintext = !"true".equalsIgnoreCase(env.get("FLOWPLANE_GRPC_TLS"));
                // Parsed here first so that a bad list is reported under the variable it came from.
                List<URI> urls = Endpoints.parseUrls(url, "FLOWPLANE_URL");
                String grpc = env.get("FLOWPLANE_GRPC_TARGET");
                if (grpc == null) {
                    grpc = urls.stream().map(u -> new Endpoints.Endpoint(u.getHost().replaceAll("^\\[|\\]$", ""),
                            9090, false).hostPort()).collect(Collectors.joining(","));
                } else {
                    Endpoints.parse(grpc, "FLOWPLANE_GRPC_TARGET", !plaintext, 9090);
                }
                builder.reportTo(url, grpc, plaintext, key, tls(env));
            }
            parameters = parameters(flow, defaults, arguments(args));
        }
        try (FlowRunner runner = builder.build()) {
            FlowRunResult<R> result = runner.run(flow, parameters);
            Summary.print(result, out);
            return result.isCompleted() ? 0 : 1;
        }
    }

    /** FLOWPLANE_CA_FILE, and FLOWPLANE_CLIENT_CERT_FILE with FLOWPLANE_CLIENT_KEY_FILE for mutual TLS. */
    static Tls tls(Map<String, String> env) {
        Path cert = path(env, "FLOWPLANE_CLIENT_CERT_FILE");
        Path key = path(env, "FLOWPLANE_CLIENT_KEY_FILE");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("FLOWPLANE_CLIENT_CERT_FILE and FLOWPLANE_CLIENT_KEY_FILE go together: "
                    + "set both (mutual TLS) or neither");
        }
        Tls tls = Tls.trusting(path(env, "FLOWPLANE_CA_FILE"));
        return cert == null ? tls : tls.withClientCertificate(cert, key);
    }

    private static Path path(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    /** The defaults with the given fields laid over them, as the flow's parameter type. */
    static <P> P parameters(Flow<P, ?> flow, P defaults, ObjectNode overrides) {
        ObjectNode merged = defaults == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(defaults);
        merged.setAll(overrides);
        return Json.MAPPER.convertValue(merged, flow.parameterType());
    }

    /** {@code key=value} pairs; a value that parses as JSON is taken as JSON, otherwise as a string. */
    static ObjectNode arguments(String[] args) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        for (String arg : args) {
            String a = arg.startsWith("--") ? arg.substring(2) : arg;
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("parameters are key=value, got '" + arg + "'");
            }
            String value = a.substring(eq + 1);
            JsonNode parsed;
            try {
                parsed = Json.MAPPER.readTree(value);
            } catch (IOException e) {
                parsed = null;
            }
            node.set(a.substring(0, eq), parsed == null || parsed.isMissingNode() ? node.textNode(value) : parsed);
        }
        return node;
    }

    private static ObjectNode readObject(Path file) {
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (!node.isObject()) {
                throw new IllegalArgumentException(file + " does not hold a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read parameters from " + file, e);
        }
    }
}
