package io.flowplane.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.sdk.internal.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Mode 1: a flow program's main with no server: parameters from arguments, a summary, an exit code. */
class LocalRunTest {
    record Params(String region, int rows, List<String> tags) {
    }

    static final Task<Integer, Integer> double_ = Task.of("double", x -> x * 2);

    static final Flow<Params, String> flow = Flow.of("local-demo", Params.class, p -> {
        if (p.rows() < 0) {
            throw new IllegalArgumentException("rows must not be negative");
        }
        return p.region() + ":" + double_.call(p.rows()) + ":" + p.tags();
    });

    @TempDir
    Path dir;

    private int main(PrintStream out, String... args) {
        return Flowplane.run(flow, new Params("emea", 1, List.of()), args, Map.of("FLOWPLANE_RESULTS_DIR",
                dir.toString()), out);
    }

    @Test
    void runsWithDefaultsOverriddenByArgumentsAndPrintsASummary() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = main(new PrintStream(buffer, true), "rows=21", "--tags=[\"a\",\"b\"]");
        assertThat(code).isZero();
        assertThat(buffer.toString()).contains("Flow run local-demo", "Completed", "1 task run(s) {Completed=1}",
                "result: " + dir.toUri());
    }

    @Test
    void aFailingFlowExitsNonZero() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        assertThat(main(new PrintStream(buffer, true), "rows=-1")).isEqualTo(1);
        assertThat(buffer.toString()).contains("Failed", "rows must not be negative");
    }

    @Test
    void argumentValuesAreJsonWhenTheyParseAndStringsOtherwise() {
        ObjectNode args = Flowplane.arguments(new String[]{"a=1", "b=hello world", "c={\"x\":true}", "--d=\"q\""});
        assertThat(args.get("a").isInt()).isTrue();
        assertThat(args.get("b").asText()).isEqualTo("hello world");
        assertThat(args.get("c").get("x").asBoolean()).isTrue();
        assertThat(args.get("d").asText()).isEqualTo("q");
    }

    @Test
    void callingAFlowOutsideARunRunsItLocally() {
        FlowRunResult<String> r;
        try (FlowRunner runner = FlowRunner.builder().resultStore(new io.flowplane.sdk.results.LocalResultStore(dir))
                .build()) {
            r = runner.run(flow, new Params("apac", 4, List.of("x")));
        }
        assertThat(r.result()).isEqualTo("apac:8:[x]");
        assertThat(double_.call(5)).as("a task outside a run is a plain call").isEqualTo(10);
    }

    @Test
    void parameterSchemaIsDerivedFromTheRecord() {
        JsonNode schema = flow.parameterSchema();
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.at("/properties/region/type").asText()).isEqualTo("string");
        assertThat(schema.at("/properties/rows/type").asText()).isEqualTo("integer");
        assertThat(schema.at("/properties/tags/type").asText()).isEqualTo("array");
        assertThat(schema.at("/properties/tags/items/type").asText()).isEqualTo("string");
        assertThat(schema.get("required")).extracting(JsonNode::asText).containsExactly("rows");
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(Json.write(schema)).doesNotContain("$schema");
    }
}
