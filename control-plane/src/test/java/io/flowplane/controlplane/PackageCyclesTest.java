package io.flowplane.controlplane;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane's packages form no cycle: each depends only on packages below it, so a package
 * can be read, tested and changed without the ones that use it. A cycle names every edge in it
 * (which file uses which class), which is where to cut it.
 */
class PackageCyclesTest {
    private static final Path MAIN = Path.of("src/main/java/io/flowplane/controlplane");
    private static final Pattern REFERENCE = Pattern.compile("io\\.flowplane\\.controlplane\\.(\\w+)\\.(\\w+|\\*)");
    private static final Pattern COMMENTS_AND_STRINGS =
            Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        assertThat(MAIN.resolve("store/Store.java")).as("run from the control-plane module").exists();
        Graph graph = new Graph();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = MAIN.relativize(f);
                if (rel.getNameCount() < 2) {
                    continue; // the root package holds nothing but this module's tests
                }
                String from = rel.getName(0).toString();
                String code = COMMENTS_AND_STRINGS.matcher(Files.readString(f)).replaceAll(" ");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    graph.add(from, m.group(1), rel.getFileName() + " uses " + m.group(2));
                }
            }
        }
        assertThat(graph.cycles()).as("package cycles (each edge: the files that make it)").isEmpty();
    }

    @Test
    void theCheckFindsACycle() {
        Graph graph = new Graph();
        graph.add("runs", "deployments", "RunFactory.java uses DeploymentSpec");
        graph.add("deployments", "schedules", "DeploymentService.java uses ScheduleSync");
        graph.add("schedules", "runs", "Materializer.java uses RunFactory");
        graph.add("api", "runs", "FlowRunResource.java uses FlowRunService");
        List<String> cycles = graph.cycles();
        assertThat(cycles).hasSize(1);
        assertThat(cycles.get(0)).contains("runs -> deployments", "deployments -> schedules", "schedules -> runs")
                .doesNotContain("api");
    }

    /** Package edges with the references behind them; cycles are its strongly connected components. */
    private static final class Graph {
        private final Map<String, Map<String, Set<String>>> edges = new TreeMap<>();

        void add(String from, String to, String why) {
            if (!from.equals(to)) {
                edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(why);
                edges.computeIfAbsent(to, k -> new TreeMap<>());
            }
        }

        List<String> cycles() {
            List<String> out = new ArrayList<>();
            for (Set<String> component : new Tarjan().components()) {
                if (component.size() > 1) {
                    StringBuilder sb = new StringBuilder(String.join(", ", component)).append(':');
                    for (String a : component) {
                        edges.get(a).forEach((b, why) -> {
                            if (component.contains(b)) {
                                sb.append("\n  ").append(a).append(" -> ").append(b).append(' ').append(why);
                            }
                        });
                    }
                    out.add(sb.toString());
                }
            }
            return out;
        }

        private final class Tarjan {
            private final Map<String, Integer> index = new HashMap<>();
            private final Map<String, Integer> low = new HashMap<>();
            private final Deque<String> stack = new ArrayDeque<>();
            private final Set<String> onStack = new HashSet<>();
            private final List<Set<String>> found = new ArrayList<>();

            List<Set<String>> components() {
                for (String v : edges.keySet()) {
                    if (!index.containsKey(v)) {
                        visit(v);
                    }
                }
                return found;
            }

            private void visit(String v) {
                index.put(v, index.size());
                low.put(v, index.get(v));
                stack.push(v);
                onStack.add(v);
                for (String w : edges.get(v).keySet()) {
                    if (!index.containsKey(w)) {
                        visit(w);
                        low.put(v, Math.min(low.get(v), low.get(w)));
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> component = new TreeSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    found.add(component);
                }
            }
        }
    }
}
