package io.flowplane.controlplane.state;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs in {@code integration-test}, after the whole unit and end-to-end suite of this module
 * recorded what it wrote (see {@link TransitionRecorder}): every (from, to, actor) row of the
 * table must have been written by the real code at least once, and nothing outside the table
 * ever. A new row without an end-to-end test, or a write path that skips the table, fails here.
 * A filtered build (-Dtest=...) filters this execution too, so it never judges a partial run.
 */
class TransitionCoverageCheck {

    @Test
    void theSuiteWritesEveryAllowedTransitionAndNoOther() throws IOException {
        Path h2 = TransitionRecorder.DIR.resolve("visited-h2.txt");
        assertThat(h2).as("the suite's recording").exists();
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(TransitionRecorder.DIR)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("visited-")).toList()) {
                lines.addAll(Files.readAllLines(f)); // every database's run: a forbidden write on either fails
            }
        }
        assertThat(strip(lines, TransitionRecorder.FORBIDDEN_PREFIX)).as("transitions written outside the table").isEmpty();
        Set<String> visited = lines.stream().filter(l -> l.contains(" -> ") && !l.startsWith(TransitionRecorder.FORBIDDEN_PREFIX))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> unvisited = new TreeSet<>();
        for (RunStateMachine.Transition t : RunStateMachine.transitions()) {
            for (Actor actor : t.actors()) {
                String line = TransitionRecorder.line(t.from(), t.to(), actor);
                if (!visited.contains(line)) {
                    unvisited.add(line);
                }
            }
        }
        assertThat(unvisited).as("rows of the state machine no end-to-end test exercises").isEmpty();
    }

    private static Set<String> strip(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
