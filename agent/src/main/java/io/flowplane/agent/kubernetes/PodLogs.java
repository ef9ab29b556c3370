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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pod's output, shipped in order without duplicates across agent restarts: the number of lines
 * already in the spool is recorded (in the agent's state directory, once the spool holds them) and each
 * read ships the lines after it. A line still being written (no newline yet) waits for the next
 * read unless the container has ended.
 */
final class PodLogs {
    private static final Logger LOG = LoggerFactory.getLogger(PodLogs.class);
    private static final int MAX_LINES_PER_EVENT = 1000;

    /** Where new lines go, in order; {@code endLine} is the count after them; {@code spooled} records it. */
    interface Sink {
        void lines(List<String> lines, long endLine, Runnable spooled);
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Path offsetFile;
    private final int maxLineBytes;
    private volatile long shipped;

    /** {@code offsetFile}: where the shipped line count is kept; it must survive the agent's restarts. */
    PodLogs(KubernetesClient client, String namespace, Path offsetFile, long spooledInTail, int maxLineBytes) {
        this.client = client;
        this.namespace = namespace;
        this.offsetFile = offsetFile;
        this.maxLineBytes = maxLineBytes;
        this.shipped = Math.max(read(offsetFile), spooledInTail);
    }

    long shipped() {
        return shipped;
    }

    /** Reads the log of the pod's {@code container} and ships the lines not yet shipped; {@code ended}: the last line is complete too. */
    void pull(String pod, String container, boolean ended, Sink sink) {
        String text;
        try {
            // The plain log endpoint: fabric8's getLog() first waits for the pod to be ready (a watch
            // on this thread); the caller reads only a running or ended container, and reads again later.
            text = client.raw(new java.net.URL(client.getMasterUrl(), "api/v1/namespaces/" + namespace + "/pods/" + pod
                    + "/log?pretty=false&container=" + container).toString());
        } catch (KubernetesClientException | java.net.MalformedURLException e) {
            // Not readable yet (container waiting) or gone: the next read tries again.
            LOG.debug("pod {}/{}: log not readable: {}", namespace, pod, e.getMessage());
            return;
        }
        if (text == null || text.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        // split keeps the text after the last newline: empty when the log ends with one.
        String last = lines.remove(lines.size() - 1);
        if (ended && !last.isEmpty()) {
            lines.add(last);
        }
        long from = shipped;
        if (lines.size() <= from) {
            return;
        }
        List<String> fresh = lines.subList((int) from, lines.size());
        for (int i = 0; i < fresh.size(); i += MAX_LINES_PER_EVENT) {
            List<String> chunk = new ArrayList<>(fresh.subList(i, Math.min(fresh.size(), i + MAX_LINES_PER_EVENT)));
            chunk.replaceAll(this::limit);
            long end = from + i + chunk.size();
            sink.lines(chunk, end, () -> record(end));
            shipped = end;
        }
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

    private void record(long lines) {
        try {
            Files.createDirectories(offsetFile.getParent());
            Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(lines), StandardCharsets.UTF_8);
            Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // A restarted agent then resends from the spool's tail count: duplicates, never gaps.
            LOG.warn("could not record how far the pod log is shipped in {}: {}", offsetFile, e.toString());
        }
    }

    private static long read(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
