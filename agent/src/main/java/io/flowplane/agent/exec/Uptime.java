package io.flowplane.agent.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The clock the agent shares with its watchdogs and with its own next incarnation: /proc/uptime
 * (seconds since boot, in centiseconds), which neither a restart of the agent nor a change of the
 * wall clock moves. Deadlines the agent keeps on {@link System#nanoTime()} are converted to it.
 */
final class Uptime {
    private static final Path FILE = Path.of("/proc/uptime");

    private Uptime() {
    }

    static long nowCentis() {
        try {
            String s = Files.readString(FILE).trim();
            String up = s.substring(0, s.indexOf(' '));
            int dot = up.indexOf('.');
            long whole = Long.parseLong(up.substring(0, dot));
            String frac = (up.substring(dot + 1) + "00").substring(0, 2);
            return whole * 100 + Long.parseLong(frac);
        } catch (IOException e) {
            throw new UncheckedIOException("the agent needs /proc/uptime (Linux)", e);
        }
    }

    /** The uptime (centiseconds) at which {@link System#nanoTime()} reaches {@code nanos}. */
    static long atNanos(long nanos) {
        long now = System.nanoTime();
        long up = nowCentis();
        return up + Math.floorDiv(nanos - now, 10_000_000L);
    }

    /** The {@link System#nanoTime()} value at uptime {@code centis}. */
    static long toNanos(long centis) {
        long now = System.nanoTime();
        long up = nowCentis();
        return now + (centis - up) * 10_000_000L;
    }
}
