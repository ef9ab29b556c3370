package io.flowplane.agent.locallogs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Log lines that stay on the agent (logs-stay-local mode): one file per run under the state
 * directory, {@code logs/RUN_ID.log}, a line per log line ({@code time TAB stream TAB level TAB
 * message}, the message's tabs and newlines escaped). A run's file is rotated to {@code .1} at
 * {@code segmentBytes} (one older generation kept), and the oldest files are deleted once all of
 * them exceed {@code maxBytes} (checked on every write, so many small runs stay inside the bound as
 * well as one long one). The directory is {@code 0700} and the files {@code 0600} on POSIX file
 * systems: the lines stay local to make them unreadable to others, and this host's other users are
 * others. Read back by {@code flowplane agent logs RUN_ID} on this host.
 */
public final class LocalLogs {
    public static final String DIR = "logs";
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-fA-F-]{1,64}");

    /** One stored line. */
    public record Line(String at, String stream, String level, String message) {
    }

    private final Path dir;
    private final boolean allDeployments;
    private final Set<String> deployments;
    private final long segmentBytes;
    private final long maxBytes;
    /** Bytes of every file under {@link #dir}, kept as lines are written so a write need not list the directory. */
    private long total;

    /** {@code all}: every run of this agent; else the runs of the named deployments. */
    public LocalLogs(Path stateDir, boolean all, Set<String> deployments, long segmentBytes, long maxBytes) throws IOException {
        this.dir = Files.createDirectories(stateDir.resolve(DIR));
        if (posix(dir)) {
            // Also when it already existed (made by an older agent with the default umask).
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        this.total = sizes(files());
        this.allDeployments = all;
        this.deployments = Set.copyOf(deployments);
        this.segmentBytes = segmentBytes;
        this.maxBytes = maxBytes;
    }

    public boolean keeps(String deploymentName) {
        return allDeployments || deployments.contains(deploymentName);
    }

    /** Where a reader finds the lines, as the control plane is told. */
    public String whereLinesAre(String agentName, String runId) {
        return "agent " + agentName + ": `flowplane agent logs " + runId + " --state-dir " + dir.getParent() + "`";
    }

    public synchronized void append(String runId, Instant at, String stream, String level, List<String> messages) {
        Path file = file(dir, runId);
        StringBuilder b = new StringBuilder();
        for (String m : messages) {
            b.append(at).append('\t').append(stream).append('\t').append(level).append('\t').append(escape(m)).append('\n');
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.exists(file) && Files.size(file) >= segmentBytes) {
                Path older = file.resolveSibling(file.getFileName() + ".1");
                total -= Files.exists(older) ? Files.size(older) : 0;
                Files.move(file, older, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.exists(file)) {
                create(file);
            }
            Files.write(file, bytes, StandardOpenOption.APPEND);
            total += bytes.length;
            if (total > maxBytes) {
                trim(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep log lines of run " + runId + " in " + dir, e);
        }
    }

    /** Deletes the oldest files, never {@code writing} (the file just written), until all of them fit {@code maxBytes}. */
    private void trim(Path writing) throws IOException {
        List<Path> files = files();
        files.sort(Comparator.comparing(LocalLogs::modified));
        total = sizes(files);
        for (Path f : files) {
            if (total <= maxBytes) {
                return;
            }
            if (!f.equals(writing)) {
                total -= Files.size(f);
                Files.deleteIfExists(f);
            }
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).toList());
        }
    }

    private static long sizes(List<Path> files) throws IOException {
        long sum = 0;
        for (Path f : files) {
            sum += Files.size(f);
        }
        return sum;
    }

    /** Created owner-only from the start, not narrowed after: no moment where another user could open it. */
    private void create(Path file) throws IOException {
        if (posix(dir)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Every line kept for the run, oldest first (the rotated generation, then the current file). */
    public static List<Line> read(Path stateDir, String runId) throws IOException {
        Path file = file(stateDir.resolve(DIR), runId);
        List<Line> out = new ArrayList<>();
        for (Path f : List.of(file.resolveSibling(file.getFileName() + ".1"), file)) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = l.split("\t", 4);
                if (p.length == 4) {
                    out.add(new Line(p[0], p[1], p[2], unescape(p[3])));
                }
            }
        }
        return out;
    }

    private static Path file(Path dir, String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("not a run id: " + runId);
        }
        return dir.resolve(runId + ".log");
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                out.append(switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
