package io.flowplane.agent.exec;

import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.LogStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A run's directory (state dir/runs/RUN_ID-EPOCH), everything a restarted agent needs to adopt the
 * run or report how it ended. Written by the agent: {@code claim.pb}, {@code token}, {@code lease},
 * {@code group}, {@code started}, {@code offsets}; by the watchdog: {@code flow.pid}, {@code exit},
 * {@code fenced}, and the process's {@code stdout.log} and {@code stderr.log}. Small files are
 * written whole and renamed into place, so a reader never sees half of one.
 */
final class RunFiles {
    private static final int OFFSETS_BYTES = 20;

    private final Path dir;
    private FileChannel offsets;

    RunFiles(Path dir) {
        this.dir = dir;
    }

    static String dirName(ClaimedRun claim) {
        return claim.getRunId() + "-" + claim.getLeaseEpoch();
    }

    Path dir() {
        return dir;
    }

    Path output(LogStream stream) {
        return dir.resolve(stream == LogStream.STDERR ? "stderr.log" : "stdout.log");
    }

    void writeClaim(ClaimedRun claim, String token) throws IOException {
        Files.createDirectories(dir);
        writeAtomically("token", token);
        Path tmp = dir.resolve("claim.pb.tmp");
        Files.write(tmp, claim.toByteArray());
        Files.move(tmp, dir.resolve("claim.pb"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The claim, or null when the agent died before it was written (then nothing was started). */
    ClaimedRun claim() throws IOException {
        Path f = dir.resolve("claim.pb");
        return Files.exists(f) ? ClaimedRun.parseFrom(Files.readAllBytes(f)) : null;
    }

    String token() throws IOException {
        return read("token");
    }

    /** The watchdog's deadlines, in /proc/uptime centiseconds: SIGTERM at the first, SIGKILL at the second. */
    void writeLease(long termAtCentis, long killAtCentis) throws IOException {
        // A line with its newline: the shell's read fails on a last line without one.
        writeAtomically("lease", termAtCentis + " " + killAtCentis + "\n");
    }

    /** The SIGKILL deadline the agent last wrote (uptime centiseconds), or -1. */
    long leaseKillAt() throws IOException {
        String s = read("lease");
        return s == null ? -1 : Long.parseLong(s.split(" ")[1]);
    }

    /** The flow's pid (= its process group) as the watchdog recorded it, or -1 when not yet. */
    long flowPid() throws IOException {
        String s = read("flow.pid");
        return s == null || s.isBlank() ? -1 : Long.parseLong(s);
    }

    void writeGroup(ProcessGroup group) throws IOException {
        writeAtomically("group", group.id() + " " + group.leaderStart());
    }

    ProcessGroup group() throws IOException {
        String s = read("group");
        if (s == null) {
            return null;
        }
        String[] f = s.split(" ");
        return new ProcessGroup(Long.parseLong(f[0]), Long.parseLong(f[1]));
    }

    /** The watchdog's pid and start time, so a restarted agent can tell it is still the same process. */
    void writeWatchdog(long pid, long start) throws IOException {
        writeAtomically("watchdog", pid + " " + start);
    }

    /** Whether the watchdog recorded by {@link #writeWatchdog} is still running. */
    boolean watchdogAlive() throws IOException {
        String s = read("watchdog");
        if (s == null) {
            return false;
        }
        String[] f = s.split(" ");
        ProcessGroup.Stat stat = ProcessGroup.Stat.of(Long.parseLong(f[0]));
        return stat != null && stat.running() && stat.start() == Long.parseLong(f[1]);
    }

    void writeStarted(long uptimeCentis) throws IOException {
        writeAtomically("started", Long.toString(uptimeCentis));
    }

    long started() throws IOException {
        String s = read("started");
        return s == null ? -1 : Long.parseLong(s);
    }

    /** The flow's exit status as the watchdog recorded it, or null while it runs (or if it was killed with it). */
    Integer exitCode() throws IOException {
        String s = read("exit");
        return s == null || s.isBlank() ? null : Integer.valueOf(s);
    }

    /** The watchdog stopped the flow because the agent's lease deadline passed. */
    boolean fenced() {
        return Files.exists(dir.resolve("fenced"));
    }

    void markFenced() throws IOException {
        Files.writeString(dir.resolve("fenced"), "");
    }

    /**
     * Records how far each output file is spooled: called under the spool's lock right after the
     * log event is written, so an event the shipper can see (and the control plane may acknowledge
     * and the spool drop) always has its offset here. One positional write of a checksummed record.
     */
    synchronized void writeOffsets(long stdout, long stderr) {
        try {
            if (offsets == null) {
                offsets = FileChannel.open(dir.resolve("offsets"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            ByteBuffer b = ByteBuffer.allocate(OFFSETS_BYTES).putLong(stdout).putLong(stderr);
            b.putInt(crc(b.array(), 16)).flip();
            offsets.write(b, 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not record output offsets in " + dir, e);
        }
    }

    /** {stdout, stderr} offsets recorded, {0, 0} when none (or a torn record). */
    long[] offsets() throws IOException {
        Path f = dir.resolve("offsets");
        if (!Files.exists(f)) {
            return new long[]{0, 0};
        }
        byte[] b = Files.readAllBytes(f);
        if (b.length < OFFSETS_BYTES) {
            return new long[]{0, 0};
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        long out = buf.getLong();
        long err = buf.getLong();
        return buf.getInt() == crc(b, 16) ? new long[]{out, err} : new long[]{0, 0};
    }

    synchronized void close() {
        if (offsets != null) {
            try {
                offsets.close();
            } catch (IOException e) {
                // nothing left to record
            }
            offsets = null;
        }
    }

    private String read(String name) throws IOException {
        Path f = dir.resolve(name);
        try {
            return Files.readString(f, StandardCharsets.UTF_8).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private void writeAtomically(String name, String content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int crc(byte[] b, int len) {
        CRC32C c = new CRC32C();
        c.update(b, 0, len);
        return (int) c.getValue();
    }
}
