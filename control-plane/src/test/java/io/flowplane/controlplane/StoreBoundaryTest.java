package io.flowplane.controlplane;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQL lives in {@code store/}: no production class elsewhere reaches for the store's Jdbi or holds
 * an SQL statement. The exception is {@code cluster/}, whose PostgreSQL signal transport and leader
 * lock run LISTEN, pg_notify and advisory-lock calls on connections of their own and touch no table.
 */
class StoreBoundaryTest {
    private static final Path MAIN = Path.of("src/main/java/io/flowplane/controlplane");
    private static final Pattern SQL = Pattern.compile(
            "\"\\s*(SELECT\\s|INSERT\\s+INTO\\s|UPDATE\\s+\\w+\\s+SET\\s|DELETE\\s+FROM\\s|MERGE\\s+INTO\\s)",
            Pattern.CASE_INSENSITIVE);

    @Test
    void onlyTheStoreHoldsSqlOrTouchesJdbi() throws IOException {
        assertThat(MAIN.resolve("store/Store.java")).as("run from the control-plane module").exists();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = MAIN.relativize(f).toString();
                if (rel.startsWith("store/") || rel.startsWith("cluster/")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.contains(".jdbi()") || SQL.matcher(line).find()) {
                        found.add(rel + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }
        assertThat(found).as("SQL or Jdbi outside store/").isEmpty();
    }
}
