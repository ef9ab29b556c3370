package io.flowplane.agent.locallogs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The local store's size bound over many runs, and its owner-only permissions. */
class LocalLogsTest {
    private static final long MAX = 4_000;
    private static final long SEGMENT = 1_000;

    @TempDir
    Path stateDir;

    @Test
    void manySmallRunsStayInsideTheBound() throws Exception {
        LocalLogs logs = new LocalLogs(stateDir, true, Set.of(), SEGMENT, MAX);
        String last = null;
        for (int i = 0; i < 300; i++) {
            last = UUID.randomUUID().toString();
            // ~60 bytes a line, far below the segment size: no run's file ever rotates.
            logs.append(last, Instant.parse("2026-01-01T00:00:00Z"), "stdout", "INFO", List.of("small run " + i));
            assertThat(bytesUnder(stateDir.resolve(LocalLogs.DIR))).as("after run %d", i).isLessThanOrEqualTo(MAX);
        }
        assertThat(LocalLogs.read(stateDir, last)).extracting(LocalLogs.Line::message).containsExactly("small run 299");
        assertThat(fileCount()).isBetween(2L, 300L - 1);
    }

    @Test
    void aLongRunRotatesAndStaysInsideTheBoundToo() throws Exception {
        LocalLogs logs = new LocalLogs(stateDir, true, Set.of(), SEGMENT, MAX);
        String run = UUID.randomUUID().toString();
        for (int i = 0; i < 500; i++) {
            logs.append(run, Instant.parse("2026-01-01T00:00:00Z"), "stdout", "INFO", List.of("line " + i));
            assertThat(bytesUnder(stateDir.resolve(LocalLogs.DIR))).isLessThanOrEqualTo(MAX);
        }
        assertThat(LocalLogs.read(stateDir, run)).last().extracting(LocalLogs.Line::message).isEqualTo("line 499");
    }

    @Test
    void theDirectoryAndFilesAreTheOwnersOnly() throws Exception {
        assumeTrue(stateDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        // An older agent's directory, made with a permissive umask, is narrowed too.
        Files.createDirectories(stateDir.resolve(LocalLogs.DIR),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        LocalLogs logs = new LocalLogs(stateDir, true, Set.of(), SEGMENT, MAX);
        String run = UUID.randomUUID().toString();
        for (int i = 0; i < 40; i++) { // enough to rotate once
            logs.append(run, Instant.parse("2026-01-01T00:00:00Z"), "stderr", "ERROR", List.of("secret-ish line " + i));
        }
        Path dir = stateDir.resolve(LocalLogs.DIR);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(dir.resolve(run + ".log.1")).exists();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as("%s", f).isEqualTo("rw-------");
            }
        }
    }

    private long fileCount() throws Exception {
        try (Stream<Path> s = Files.list(stateDir.resolve(LocalLogs.DIR))) {
            return s.count();
        }
    }

    private static long bytesUnder(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
