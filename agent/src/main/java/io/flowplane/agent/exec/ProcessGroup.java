package io.flowplane.agent.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A flow's process group (Linux): the run's watchdog starts the flow with {@code setsid}, so the
 * flow's pid is the id of a group that holds its whole tree, including children whose parent died
 * (which {@link ProcessHandle#descendants()} no longer finds). Members are read from /proc.
 */
final class ProcessGroup {
    private static final Path PROC = Path.of("/proc");

    private final long pgid;
    /** The leader's start time (clock ticks since boot), so a reused pid is never signalled. */
    private final long leaderStart;

    ProcessGroup(long pgid, long leaderStart) {
        this.pgid = pgid;
        this.leaderStart = leaderStart;
    }

    long id() {
        return pgid;
    }

    long leaderStart() {
        return leaderStart;
    }

    /**
     * The group's live members. When the leader's pid now belongs to another process (started at
     * another time) the group is gone: a pid is not reused while any process still uses it as a
     * group id, so no member of the old group can remain.
     */
    List<ProcessHandle> members() {
        Stat leader = Stat.of(pgid);
        if (leader != null && leaderStart >= 0 && leader.start() != leaderStart) {
            return List.of();
        }
        List<ProcessHandle> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path p : dirs) {
                Stat s = Stat.of(Long.parseLong(p.getFileName().toString()));
                if (s != null && s.pgid() == pgid && s.running()) {
                    ProcessHandle.of(s.pid()).ifPresent(out::add);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // /proc unreadable: nothing to signal.
        }
        return out;
    }

    boolean alive() {
        return !members().isEmpty();
    }

    /** SIGTERM to every member, SIGKILL to what is left after {@code grace}; returns once none is left or after 5 s more. */
    void terminate(Duration grace) {
        members().forEach(ProcessHandle::destroy);
        if (awaitGone(grace)) {
            return;
        }
        kill();
    }

    /** SIGKILL to every member; returns once none is left (or after 5 s). */
    void kill() {
        members().forEach(ProcessHandle::destroyForcibly);
        awaitGone(Duration.ofSeconds(5));
    }

    boolean awaitGone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The fields of /proc/PID/stat the agent needs; null when the process is gone. */
    record Stat(long pid, char state, long pgid, long start) {
        boolean running() {
            return state != 'Z' && state != 'X';
        }

        static Stat of(long pid) {
            String stat;
            try {
                stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            } catch (IOException e) {
                return null;
            }
            // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
            // utime stime cutime cstime priority nice threads itrealvalue starttime ..."; comm may
            // hold spaces and parentheses, so fields are counted from the last ')'.
            int end = stat.lastIndexOf(')');
            if (end < 0) {
                return null;
            }
            String[] f = stat.substring(end + 2).trim().split(" ");
            if (f.length < 20) {
                return null;
            }
            return new Stat(pid, f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[19]));
        }
    }
}
