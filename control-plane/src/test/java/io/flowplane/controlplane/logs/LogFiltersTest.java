package io.flowplane.controlplane.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.events.RunEvent;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a run's log lines by level, stream, task run and text, through the real REST API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFiltersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID TASK = UUID.randomUUID();

    @TempDir
    static Path dir;
    TestControlPlane cp;
    String run;

    @BeforeAll
    void start() throws Exception {
        cp = TestControlPlane.start(dir, Clock.systemUTC());
        HttpResponse<String> created = cp.admin("POST", "/api/v1/flow-runs", "{\"flowName\":\"filtered\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        run = JSON.readTree(created.body()).get("id").asText();
        List<RunEvent.Log> lines = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            lines.add(new RunEvent.Log(i % 3 == 0 ? TASK : null, i % 2 == 0 ? "STDERR" : "STDOUT",
                    i % 10 == 0 ? "ERROR" : i % 5 == 0 ? "WARN" : "INFO", "line " + i + (i == 17 ? " Disk FULL" : "")));
        }
        var ack = cp.services().execution().events().ingest("log-filters", List.of(new RunEvent(1, UUID.fromString(run), 0,
                Instant.now(), new RunEvent.Logs(lines))), r -> true);
        assertThat(ack.rejections()).isEmpty();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    @Test
    void eachFilterKeepsOnlyItsLines() throws Exception {
        assertThat(messages("")).hasSize(30);
        assertThat(messages("level=warn,error")).containsExactly("line 5", "line 10", "line 15", "line 20",
                "line 25", "line 30");
        assertThat(messages("level=ERROR&stream=stderr")).containsExactly("line 10", "line 20", "line 30");
        assertThat(messages("task-run=" + TASK + "&stream=stdout")).containsExactly("line 3", "line 9", "line 15",
                "line 21", "line 27");
        assertThat(messages("text=disk%20full")).containsExactly("line 17 Disk FULL");
        assertThat(messages("text=nothing-like-this")).isEmpty();
    }

    @Test
    void pagesOfFilteredLinesContinueAfterTheLastLineRead() throws Exception {
        JsonNode first = page("level=warn,error&limit=2");
        assertThat(texts(first)).containsExactly("line 5", "line 10");
        assertThat(first.get("next").asLong()).isEqualTo(10);
        JsonNode second = page("level=warn,error&limit=2&after=" + first.get("next").asLong());
        assertThat(texts(second)).containsExactly("line 15", "line 20");
        JsonNode none = page("text=nothing-like-this");
        assertThat(none.get("next").asLong()).as("a page without matches still moves on").isEqualTo(30);
    }

    @Test
    void aBadFilterNamesItsParameter() throws Exception {
        HttpResponse<String> r = cp.admin("GET", "/api/v1/flow-runs/" + run + "/logs?task-run=not-a-uuid", null);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("task-run");
    }

    private List<String> messages(String query) throws Exception {
        return texts(page(query));
    }

    private JsonNode page(String query) throws Exception {
        HttpResponse<String> r = cp.admin("GET", "/api/v1/flow-runs/" + run + "/logs?" + query, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> texts(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("lines").forEach(l -> out.add(l.get("message").asText()));
        return out;
    }
}
