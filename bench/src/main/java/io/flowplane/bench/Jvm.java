package io.flowplane.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs on this JVM's class path (the harness jar's manifest names every library). */
public final class Jvm {
    private Jvm() {
    }

    public static Process start(Path workDir, Path log, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        // Absolute: the child runs in another directory (and -jar gives a relative jar path).
        cmd.add(java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        cmd.add(mainClass);
        cmd.addAll(args);
        return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /**
     * The repository the harness was built in ({@code -Dflowplane.repo} to override): the startup and
     * rss sections start the control plane and the agent through its {@code flowplane} launcher,
     * with the JVM options in {@code deploy/jvm/}, the way users start them.
     */
    public static Path repo() {
        String configured = System.getProperty("flowplane.repo");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        try {
            // bench/target/flowplane-bench.jar or bench/target/classes: three levels below the root.
            Path here = Path.of(Jvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().getParent().getParent().toAbsolutePath().normalize();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The built distribution; the launcher would build it, but not while the harness runs from bench/target. */
    public static Path distribution() {
        Path jar = repo().resolve("cli/target/flowplane.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the distribution first (mvn -B -pl cli -am package"
                    + " -DskipTests), or pass -Dflowplane.repo=DIR");
        }
        return jar;
    }

    /** {@code flowplane ARGS} through the repository's launcher, which never builds here (FLOWPLANE_NO_BUILD). */
    public static Process launcher(Path workDir, Path log, List<String> args) throws IOException {
        distribution();
        List<String> cmd = new ArrayList<>();
        cmd.add(repo().resolve("flowplane").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("FLOWPLANE_NO_BUILD", "1");
        pb.environment().remove("FLOWPLANE_JAVA_OPTS");
        pb.environment().remove("FLOWPLANE_CDS");
        return pb.start();
    }

    /** {@code java -jar flowplane.jar ARGS} with default JVM options: the comparison for the launcher's options. */
    public static Process distributionWithDefaults(Path workDir, Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", distribution().toString()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** The options of a deploy/jvm/ file without its comments, for the harness's output. */
    public static String shippedOptions(String file) throws IOException {
        return Files.readAllLines(repo().resolve("deploy/jvm").resolve(file)).stream()
                .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
                .collect(java.util.stream.Collectors.joining(" "));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Resident set size of a process, in MiB (Linux /proc). */
    public static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    public static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
    }
}
