package io.flowplane.cli.init;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The project `flowplane init` writes: the templates under {@code io/flowplane/cli/init/template/}
 * in the CLI's jar, listed in {@code files.txt} with their target paths, {{placeholders}} filled in.
 */
final class ProjectTemplate {
    private static final String BASE = "/io/flowplane/cli/init/";

    /** What the templates are filled with. */
    record Values(String groupId, String artifactId, String javaPackage, String className, String workPool,
                  String flowplaneVersion) {
        Map<String, String> asMap() {
            return Map.of("group_id", groupId, "artifact_id", artifactId, "package", javaPackage,
                    "package_path", javaPackage.replace('.', '/'), "class", className, "work_pool", workPool,
                    "flowplane_version", flowplaneVersion, "deployment", artifactId, "flow_name", artifactId);
        }
    }

    private ProjectTemplate() {
    }

    /** The Flowplane version this CLI was built as: the SDK and BOM version the new project uses. */
    static String flowplaneVersion() {
        Properties p = new Properties();
        try (InputStream in = ProjectTemplate.class.getResourceAsStream(BASE + "version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("flowplane.version", io.flowplane.cli.Version.VERSION);
    }

    /** Writes every file (creating directories); returns their paths in the listed order. */
    static List<Path> write(Path root, Values values) throws IOException {
        Map<String, String> map = values.asMap();
        List<Path> written = new ArrayList<>();
        for (String line : read("files.txt").split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s*->\\s*");
            Path target = root.resolve(fill(parts[1], map));
            Files.createDirectories(target.getParent());
            Files.writeString(target, fill(read("template/" + parts[0]), map), StandardCharsets.UTF_8);
            written.add(target);
        }
        return written;
    }

    private static String fill(String text, Map<String, String> values) {
        String out = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        if (out.contains("{{")) {
            throw new IllegalStateException("a template placeholder was left unfilled near: "
                    + out.substring(out.indexOf("{{"), Math.min(out.length(), out.indexOf("{{") + 40)));
        }
        return out;
    }

    private static String read(String name) throws IOException {
        try (InputStream in = ProjectTemplate.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the CLI's jar lacks " + BASE + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
