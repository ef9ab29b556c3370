package io.flowplane.agent.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pod's output, shipped in order without duplicates across agent restarts. Each read asks for
 * the log with the runtime's timestamps and, once a line has been shipped, only from the second of
 * the last shipped line's timestamp on ({@code sinceTime}), so a long log is not downloaded again
 * on every poll; the lines of that second already shipped are recognised by their timestamp and
 * how many lines before them carry the same one. Where the position is known only as a line count
 * (the first read, a spool that holds more lines than the record says), the whole log is read and
 * that many lines skipped. The position is recorded in the agent's state directory once the spool
 * holds the lines. A line still being written (no newline yet) waits for the next read unless the
 * container has ended. The kubelet stamps each logical line once (not the continuation pieces of a
 * line the runtime split); timestamps are taken to grow, as the runtime writes them.
 */
final class PodLogs {
    private static final Logger LOG = LoggerFactory.getLogger(PodLogs.class);
    private static final int MAX_LINES_PER_EVENT = 1000;

    /** Where new lines go, in order; {@code endLine} is the count after them; {@code spooled} records it. */
    interface Sink {
        void lines(List<String> lines, long endLine, Runnable spooled);
    }

    /** A log line without its timestamp; {@code ts} null when it had none; {@code nth}: lines up to it with that ts. */
    private record Line(Instant ts, long nth, String text) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Path offsetFile;
    private final int maxLineBytes;
    private volatile long shipped;
    /** The timestamp of the last shipped line (null: unknown, read by count) and how many shipped lines carry it. */
    private volatile Instant lastTs;
    private volatile long atLastTs;

    /** {@code offsetFile}: where the shipped position is kept; it must survive the agent's restarts. */
    PodLogs(KubernetesClient client, String namespace, Path offsetFile, long spooledInTail, int maxLineBytes) {
        this.client = client;
        this.namespace = namespace;
        this.offsetFile = offsetFile;
        this.maxLineBytes = maxLineBytes;
        String[] recorded = read(offsetFile);
        long lines = recorded.length > 0 ? parseLong(recorded[0]) : 0;
        if (spooledInTail > lines || recorded.length < 3) {
            // The spool is ahead of the record (or the record has no timestamp): by count.
            this.shipped = Math.max(lines, spooledInTail);
        } else {
            this.shipped = lines;
            this.lastTs = parseInstant(recorded[1]);
            this.atLastTs = lastTs == null ? 0 : parseLong(recorded[2]);
        }
    }

    long shipped() {
        return shipped;
    }

    /** Reads the log of the pod's {@code container} and ships the lines not yet shipped; {@code ended}: the last line is complete too. */
    void pull(String pod, String container, boolean ended, Sink sink) {
        Instant since = lastTs;
        String text;
        try {
            // The plain log endpoint: fabric8's getLog() first waits for the pod to be ready (a watch
            // on this thread); the caller reads only a running or ended container, and reads again later.
            text = client.raw(new java.net.URL(client.getMasterUrl(), "api/v1/namespaces/" + namespace + "/pods/" + pod
                    + "/log?pretty=false&container=" + container + "&timestamps=true"
                    + (since == null ? "" : "&sinceTime=" + since.truncatedTo(ChronoUnit.SECONDS))).toString());
        } catch (KubernetesClientException | java.net.MalformedURLException e) {
            // Not readable yet (container waiting) or gone: the next read tries again.
            LOG.debug("pod {}/{}: log not readable: {}", namespace, pod, e.getMessage());
            return;
        }
        if (text == null || text.isEmpty()) {
            return;
        }
        List<String> raw = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        // split keeps the text after the last newline: empty when the log ends with one.
        String last = raw.remove(raw.size() - 1);
        if (ended && !last.isEmpty()) {
            raw.add(last);
        }
        List<Line> fresh = fresh(raw, since);
        long from = shipped;
        for (int i = 0; i < fresh.size(); i += MAX_LINES_PER_EVENT) {
            List<Line> chunk = fresh.subList(i, Math.min(fresh.size(), i + MAX_LINES_PER_EVENT));
            List<String> lines = new ArrayList<>(chunk.size());
            chunk.forEach(l -> lines.add(limit(l.text())));
            long end = from + i + chunk.size();
            Line at = chunk.get(chunk.size() - 1);
            sink.lines(lines, end, () -> record(end, at));
            shipped = end;
            lastTs = at.ts();
            atLastTs = at.nth();
        }
    }

    /**
     * The lines of a read not yet shipped: after {@code since} (and the lines at it already shipped)
     * when it is known, else after the first {@link #shipped} lines.
     */
    private List<Line> fresh(List<String> raw, Instant since) {
        List<Line> out = new ArrayList<>();
        Instant runTs = null;
        long run = 0;
        long skip = since == null ? shipped : 0;
        for (String r : raw) {
            int space = r.indexOf(' ');
            Instant ts = space > 0 ? parseInstant(r.substring(0, space)) : null;
            String line = ts == null ? r : r.substring(space + 1);
            if (ts == null) {
                ts = runTs; // no timestamp: taken as the previous line's
            }
            run = ts != null && ts.equals(runTs) ? run + 1 : 1;
            runTs = ts;
            if (since == null) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
            } else if (ts == null || ts.isBefore(since) || (ts.equals(since) && run <= atLastTs)) {
                continue;
            }
            out.add(new Line(ts, run, line));
        }
        return out;
    }

    /** The run is over here: its count is no longer needed. */
    void forget() {
        try {
            Files.deleteIfExists(offsetFile);
        } catch (IOException e) {
            LOG.debug("could not delete {}", offsetFile, e);
        }
    }

    private String limit(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return b.length <= maxLineBytes ? line : new String(b, 0, maxLineBytes, StandardCharsets.UTF_8) + " [truncated]";
    }

    private void record(long lines, Line at) {
        try {
            Files.createDirectories(offsetFile.getParent());
            Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
            Files.writeString(tmp, at.ts() == null ? Long.toString(lines) : lines + " " + at.ts() + " " + at.nth(),
                    StandardCharsets.UTF_8);
            Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // A restarted agent then resends from the spool's tail count: duplicates, never gaps.
            LOG.warn("could not record how far the pod log is shipped in {}: {}", offsetFile, e.toString());
        }
    }

    /** The recorded position: {lines} or {lines, timestamp, count at it}; none when there is no record. */
    private static String[] read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim().split(" ") : new String[0];
        } catch (IOException e) {
            return new String[0];
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An RFC 3339 timestamp as the kubelet writes it (nanoseconds, Z or an offset), or null. */
    private static Instant parseInstant(String value) {
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
