package io.flowplane.sdk;

import io.flowplane.sdk.testing.FlowTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubflowTest {
    record Region(String name, int rows) {
    }

    record Regions(List<Region> regions) {
    }

    static final Task<Integer, Integer> count = Task.of("count", n -> n * 10);

    static final Flow<Region, Integer> perRegion = Flow.of("per-region", Region.class, r -> {
        if (r.rows() < 0) {
            throw new IllegalArgumentException("negative rows in " + r.name());
        }
        return count.call(r.rows());
    });

    @TempDir
    Path dir;

    @Test
    void aFlowCallingAFlowGetsAChildRunWithItsOwnTaskRuns() {
        Flow<Regions, Integer> parent = Flow.of("all-regions", Regions.class,
                p -> p.regions().stream().mapToInt(perRegion::call).sum());
        try (FlowTester t = new FlowTester(dir)) {
            FlowRunResult<Integer> r = t.run(parent, new Regions(List.of(new Region("emea", 1), new Region("apac", 2))));
            assertThat(r.result()).isEqualTo(30);
            assertThat(r.subflowRuns()).hasSize(2);
            FlowRunResult<?> child = r.subflowRuns().get(0);
            assertThat(child.id()).isNotEqualTo(r.id());
            assertThat(child.flowName()).isEqualTo("per-region");
            assertThat(child.state()).isEqualTo(State.COMPLETED);
            assertThat(child.taskRuns()).extracting(TaskRunResult::name).containsExactly("count-1");
            assertThat(r.taskRuns()).as("the parent holds a task run standing for each subflow, not the child's tasks")
                    .extracting(TaskRunResult::taskKey).containsExactly("subflow:per-region", "subflow:per-region");
            assertThat(r.taskRuns().get(0).resultRef()).isEqualTo(child.resultRef());
        }
    }

    @Test
    void aFailingSubflowFailsItsStandInAndThrowsInTheParent() {
        Flow<Regions, String> parent = Flow.of("guarded", Regions.class, p -> {
            try {
                perRegion.call(p.regions().get(0));
                return "no error";
            } catch (FlowFailedException e) {
                return "caught " + e.state();
            }
        });
        try (FlowTester t = new FlowTester(dir)) {
            FlowRunResult<String> r = t.run(parent, new Regions(List.of(new Region("bad", -1))));
            assertThat(r.result()).isEqualTo("caught Failed");
            assertThat(r.subflowRuns().get(0).state()).isEqualTo(State.FAILED);
            assertThat(r.taskRun("subflow:per-region").state()).isEqualTo(State.FAILED);
            assertThat(r.taskRun("subflow:per-region").message()).contains("negative rows in bad");
        }
    }
}
