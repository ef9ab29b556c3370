package io.flowplane.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** What {@code flowplane agent audit} prints: messages and bytes per call, events per kind, the runs named. */
public record EgressAuditSummary(int messages, long bytes, String first, String last, Map<String, long[]> perMethod,
                                 Map<String, Long> events, TreeSet<String> runs) {

    public static EgressAuditSummary read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, long[]> perMethod = new TreeMap<>();
        Map<String, Long> events = new TreeMap<>();
        TreeSet<String> runs = new TreeSet<>();
        long bytes = 0;
        int messages = 0;
        String first = null;
        String last = null;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode r = json.readTree(line);
            messages++;
            long size = r.path("bytes").asLong();
            bytes += size;
            long[] m = perMethod.computeIfAbsent(r.path("method").asText(), k -> new long[2]);
            m[0]++;
            m[1] += size;
            r.path("runs").forEach(run -> runs.add(run.asText()));
            r.path("events").fields().forEachRemaining(e -> events.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            first = first == null ? r.path("at").asText() : first;
            last = r.path("at").asText();
        }
        return new EgressAuditSummary(messages, bytes, first, last, perMethod, events, runs);
    }

    public void print(Path file, PrintStream out) {
        out.printf("%s: %d messages, %d bytes%s%n", file, messages, bytes,
                first == null ? "" : " from " + first + " to " + last);
        out.printf("%-45s %9s %12s%n", "CALL", "MESSAGES", "BYTES");
        perMethod.forEach((method, m) -> out.printf("%-45s %9d %12d%n", method, m[0], m[1]));
        if (!events.isEmpty()) {
            StringBuilder b = new StringBuilder("events:");
            events.forEach((kind, n) -> b.append(' ').append(kind).append('=').append(n));
            out.println(b);
        }
        out.println("runs: " + runs.size() + (runs.isEmpty() ? "" : " (" + String.join(", ", runs) + ")"));
    }
}
