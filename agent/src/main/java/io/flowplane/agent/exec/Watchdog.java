package io.flowplane.agent.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a flow under its watchdog ({@code watchdog.sh}, next to this class): a small shell process
 * in a session of its own that outlives the agent, records the flow's pid and exit status in the
 * run directory, and stops the flow's process group when the lease deadline the agent keeps
 * writing passes. Linux only (setsid from util-linux, /proc).
 */
final class Watchdog {
    private final Path script;

    private Watchdog(Path script) {
        this.script = script;
    }

    /** Writes the script into {@code stateDir} (so a flow never depends on the agent's jar). */
    static Watchdog install(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path target = stateDir.resolve("watchdog.sh");
        Path tmp = stateDir.resolve("watchdog.sh.tmp");
        try (InputStream in = Watchdog.class.getResourceAsStream("watchdog.sh")) {
            if (in == null) {
                throw new IOException("watchdog.sh is missing from the agent's classpath");
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Watchdog(target);
    }

    /** Starts {@code command} under a watchdog, output appended to the run's files; returns the watchdog. */
    Process start(RunFiles files, List<String> command, File workingDir, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setsid", "sh", script.toString(), files.dir().toString()));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.output(io.flowplane.proto.v1.LogStream.STDOUT).toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(files.output(io.flowplane.proto.v1.LogStream.STDERR).toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        // The watchdog itself needs a PATH to find setsid, mv and sleep even if the flow's has none.
        pb.environment().putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        return pb.start();
    }

    /**
     * Whether {@code program} can be started with {@code path} (the flow's PATH): the watchdog runs
     * it through setsid, which could only report a missing program as exit code 127.
     */
    static boolean resolvable(String program, String path, File workingDir) {
        if (program.contains("/")) {
            File f = new File(program);
            if (!f.isAbsolute()) {
                f = new File(workingDir, program);
            }
            return f.canExecute() && !f.isDirectory();
        }
        String dirs = path == null ? "/usr/local/bin:/usr/bin:/bin" : path;
        for (String d : dirs.split(":")) {
            File f = new File(d.isEmpty() ? "." : d, program);
            if (f.canExecute() && !f.isDirectory()) {
                return true;
            }
        }
        return false;
    }
}
