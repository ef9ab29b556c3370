package io.flowplane.cli.init;

import io.flowplane.cli.CliException;
import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scaffolds a Maven project for flows (templates in the jar, see {@link ProjectTemplate}): a pom
 * that imports flowplane-bom and builds a runnable jar, an example flow with typed parameters, its
 * JUnit 5 test, a flowplane.yaml whose deployment names that jar as its source, and a README.
 * Refuses a directory that already holds anything, so nothing of the user's is overwritten.
 */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Create a Maven project for your own flows (a flow, its test, a flowplane.yaml).")
public final class InitCommand implements Callable<Integer> {
    private static final Pattern JAVA_PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
    private static final Pattern MAVEN_ID = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "where to create it (default: .)")
    Path dir = Path.of(".");

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = "com.example",
            description = "Maven groupId (default: ${DEFAULT-VALUE})")
    String groupId;

    @Option(names = "--artifact-id", paramLabel = "ID",
            description = "Maven artifactId, also the flow's and the deployment's name (default: the directory's name)")
    String artifactId;

    @Option(names = "--package", paramLabel = "NAME", description = "Java package (default: the groupId plus .flows)")
    String javaPackage;

    @Option(names = "--work-pool", paramLabel = "POOL", defaultValue = "default",
            description = "work pool of the deployment (default: ${DEFAULT-VALUE})")
    String workPool;

    @Override
    public Integer call() throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        refuseNonEmpty(target);
        String artifact = artifactId != null ? artifactId : defaultArtifactId(target);
        String pkg = javaPackage != null ? javaPackage : groupId.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_.]", "_") + ".flows";
        check(MAVEN_ID.matcher(groupId).matches(), "--group-id '" + groupId + "' may only hold letters, digits, . _ -");
        check(NAME.matcher(artifact).matches(), "--artifact-id '" + artifact
                + "' must be 1-100 letters, digits, . _ - starting with a letter or digit (it names the flow and the deployment)");
        check(JAVA_PACKAGE.matcher(pkg).matches(), "--package '" + pkg + "' is not a Java package name (lower case, dots)");
        check(NAME.matcher(workPool).matches(), "--work-pool '" + workPool + "' is not a valid work pool name");

        ProjectTemplate.Values values = new ProjectTemplate.Values(groupId, artifact, pkg, className(artifact), workPool,
                ProjectTemplate.flowplaneVersion());
        List<Path> written = ProjectTemplate.write(target, values);
        System.out.println("Created " + written.size() + " files in " + target + ":");
        written.forEach(p -> System.out.println("  " + target.relativize(p)));
        System.out.println();
        System.out.println("Next: cd " + dir + " && mvn -B verify && flowplane deploy && flowplane run " + artifact
                + " --watch");
        System.out.println("(The SDK must be in your Maven repository: see the SDK's README, \"Using the SDK\".)");
        return ExitCodes.OK;
    }

    private static void refuseNonEmpty(Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            throw new CliException(target + " is a file; give a new or empty directory");
        }
        if (Files.isDirectory(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                List<String> names = entries.limit(3).map(p -> p.getFileName().toString()).toList();
                if (!names.isEmpty()) {
                    throw new CliException(target + " is not empty (it holds " + String.join(", ", names)
                            + (names.size() == 3 ? ", …" : "") + "); `flowplane init` only writes into a new or empty "
                            + "directory, so nothing of yours is overwritten");
                }
            }
        }
    }

    private static String defaultArtifactId(Path target) {
        Path name = target.getFileName();
        String s = name == null ? "flows" : name.toString().toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        return s.isEmpty() ? "flows" : s.length() > 100 ? s.substring(0, 100) : s;
    }

    /** "sales-etl" → "SalesEtlFlow". */
    static String className(String artifactId) {
        StringBuilder out = new StringBuilder();
        for (String part : artifactId.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        String name = out.length() == 0 || !Character.isJavaIdentifierStart(out.charAt(0)) ? "My" + out : out.toString();
        return name.endsWith("Flow") ? name : name + "Flow";
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new CliException(message);
        }
    }
}
