package io.flowplane.controlplane.logs;

import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.model.LogLine;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Which of a run's log lines a reader wants: levels and streams (each a comma-separated set,
 * case-insensitive), one task run, a text the message contains (case-insensitive). Null parts
 * match everything. Lines are stored in sequence chunks, not indexed by these fields, so a page
 * is found by reading forward and keeping what matches ({@link #page}).
 */
public record LogFilter(Set<String> levels, Set<String> streams, UUID taskRunId, String text) {
    /** Lines read at most for one filtered page: the answer then says where to continue. */
    static final int MAX_SCANNED = 50_000;
    private static final LogFilter NONE = new LogFilter(null, null, null, null);

    /** Reads up to {@code limit} lines after sequence {@code after}. */
    public interface Reader {
        List<LogLine> read(long after, int limit);
    }

    /** A page: the matching lines and the sequence the next read continues after. */
    public record Page(List<LogLine> lines, long next) {
    }

    /** @throws ValidationException naming the parameter that is not a valid filter */
    public static LogFilter parse(String level, String stream, String taskRun, String text) {
        UUID task = null;
        if (taskRun != null && !taskRun.isBlank()) {
            try {
                task = UUID.fromString(taskRun.trim());
            } catch (IllegalArgumentException e) {
                throw new ValidationException("task-run", "must be a task run id (a UUID)");
            }
        }
        if (text != null && text.length() > 1000) {
            throw new ValidationException("text", "must be at most 1000 characters");
        }
        LogFilter f = new LogFilter(set(level), set(stream), task, text == null || text.isEmpty() ? null
                : text.toLowerCase(Locale.ROOT));
        return f.equals(NONE) ? NONE : f;
    }

    public boolean matchesAll() {
        return equals(NONE);
    }

    public boolean matches(LogLine l) {
        return (levels == null || (l.level() != null && levels.contains(l.level().toLowerCase(Locale.ROOT))))
                && (streams == null || (l.stream() != null && streams.contains(l.stream().toLowerCase(Locale.ROOT))))
                && (taskRunId == null || taskRunId.equals(l.taskRunId()))
                && (text == null || (l.message() != null && l.message().toLowerCase(Locale.ROOT).contains(text)));
    }

    /**
     * Up to {@code limit} matching lines after {@code after}, reading at most {@link #MAX_SCANNED}
     * lines; {@code next} is the last line read, matching or not, so a reader that continues from
     * it never reads a line twice and a page without matches still moves forward.
     */
    public Page page(Reader reader, long after, int limit) {
        if (matchesAll()) {
            List<LogLine> lines = reader.read(after, limit);
            return new Page(lines, lines.isEmpty() ? after : lines.get(lines.size() - 1).seq());
        }
        List<LogLine> kept = new java.util.ArrayList<>();
        long next = after;
        int scanned = 0;
        while (kept.size() < limit && scanned < MAX_SCANNED) {
            List<LogLine> batch = reader.read(next, Math.max(limit, 1000));
            if (batch.isEmpty()) {
                break;
            }
            for (LogLine l : batch) {
                next = l.seq();
                scanned++;
                if (matches(l) && kept.add(l) && kept.size() == limit) {
                    break;
                }
            }
        }
        return new Page(kept, next);
    }

    private static Set<String> set(String csv) {
        if (csv == null || csv.isBlank()) {
            return null;
        }
        return java.util.Arrays.stream(csv.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}
