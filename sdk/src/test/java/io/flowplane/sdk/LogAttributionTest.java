package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** stdout and SLF4J lines written inside a task belong to that task run; outside tasks, to the flow run. */
class LogAttributionTest {
    private static final Logger LOG = LoggerFactory.getLogger("etl.logic");

    record Empty() {
    }

    @TempDir
    Path dir;

    @Test
    void linesAreAttributedToTheTaskRunThatWroteThem() {
        Task<Integer, Integer> work = Task.of("work", i -> {
            System.out.println("stdout from item " + i);
            LOG.info("slf4j from item {}", i);
            return i;
        });
        try (FlowTester t = new FlowTester(dir, b -> b.threads(4))) {
            FlowRunResult<List<Integer>> r = t.run(Flow.of("logging", Empty.class, p -> {
                System.out.println("flow-level line");
                return work.map(IntStream.range(0, 8).boxed().toList());
            }), new Empty());
            assertThat(r.logs()).filteredOn(l -> l.taskRunId() == null).extracting(LogEntry::message)
                    .containsExactly("flow-level line");
            for (TaskRunResult task : r.taskRuns("work")) {
                int item = (Integer) task.value();
                assertThat(r.logsOf(task)).as(task.name()).extracting(LogEntry::stream, LogEntry::message)
                        .containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple(LogEntry.Stream.STDOUT, "stdout from item " + item),
                                org.assertj.core.groups.Tuple.tuple(LogEntry.Stream.LOGGER,
                                        "etl.logic: slf4j from item " + item));
            }
            assertThat(r.logs()).as("Logback's console output is not captured a second time as stdout")
                    .filteredOn(l -> l.message().contains("slf4j from item")).hasSize(8)
                    .allSatisfy(l -> assertThat(l.stream()).isEqualTo(LogEntry.Stream.LOGGER));
        }
    }

    @Test
    void captureSurvivesTheApplicationResettingLogback() {
        Task<Void, Void> say = Task.supplier("say", () -> {
            LOG.info("after reset");
            return null;
        });
        try (FlowTester t = new FlowTester(dir)) {
            // What Dropwizard or a reloaded logback.xml does: every appender is dropped.
            ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).reset();
            FlowRunResult<Void> r = t.run(Flow.of("reset", Empty.class, p -> say.call()), new Empty());
            assertThat(r.logsOf(r.taskRun("say"))).extracting(LogEntry::message).containsExactly("etl.logic: after reset");
        }
    }

    @Test
    void linesOutsideAnyRunAreNotCaptured() {
        try (FlowTester t = new FlowTester(dir)) {
            System.out.println("before the run");
            FlowRunResult<String> r = t.run(Flow.of("quiet", Empty.class, p -> "x"), new Empty());
            System.out.println("after the run");
            assertThat(r.logs()).isEmpty();
        }
    }

    @Test
    void artifactsAreAttributedLikeLogs() {
        record Row(String city, int total) {
        }
        Task<Void, Void> publish = Task.supplier("publish", () -> {
            Artifacts.table("totals", "Totals per city", List.of(new Row("Oslo", 3), new Row("Rome", 5)));
            return null;
        });
        try (FlowTester t = new FlowTester(dir)) {
            FlowRunResult<Void> r = t.run(Flow.of("arts", Empty.class, p -> {
                publish.call();
                Artifacts.markdown("notes", "# Done");
                Artifacts.link("dashboard", "the dashboard", "https://example.com/d/1");
                return null;
            }), new Empty());
            assertThat(r.artifacts()).extracting(ArtifactEntry::key, ArtifactEntry::type, ArtifactEntry::taskRunId)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("totals", "table", r.taskRun("publish").id()),
                            org.assertj.core.groups.Tuple.tuple("notes", "markdown", null),
                            org.assertj.core.groups.Tuple.tuple("dashboard", "link", null));
            assertThat(r.artifacts().get(0).data()).isEqualTo("[{\"city\":\"Oslo\",\"total\":3},{\"city\":\"Rome\",\"total\":5}]");
        }
    }
}
