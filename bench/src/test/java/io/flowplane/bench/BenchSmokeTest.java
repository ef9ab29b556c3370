package io.flowplane.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a benchmark: checks that the harness runs with tiny sizes and prints well-formed figures.
 * Nothing here is timed or compared with a target.
 */
class BenchSmokeTest {
    private static final Pattern LINE = Pattern.compile("metric [a-z0-9_]+ -?[0-9]+(\\.[0-9]+)? [A-Za-z/]+");

    @Test
    void tinyRunPrintsWellFormedFigures() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Out.sink(new PrintStream(out, true, StandardCharsets.UTF_8));
        int failures = Bench.run(new String[]{"--tiny", "--only", "dbscheduler,dispatch,throughput,logs,lateness"});
        List<String> lines = Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
        assertThat(failures).isZero();
        assertThat(lines).allMatch(l -> LINE.matcher(l).matches(), "every line is 'metric NAME VALUE UNIT'");
        assertThat(lines.stream().map(l -> l.split(" ")[1]).toList()).contains("db_scheduler_runs_per_s",
                "dispatch_p50_ms", "dispatch_p99_ms", "runs_per_s", "runs_ratio_vs_db_scheduler",
                "scheduler_lateness_p99_ms", "scheduler_duplicates", "scheduler_missed");
    }
}
