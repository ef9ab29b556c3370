package io.flowplane.agent.spool;

import io.flowplane.proto.v1.RunEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The spool's newest events, kept as they were appended: a contiguous range of sequences ending
 * at the newest, bounded in bytes (the oldest are forgotten first). Reading the unacknowledged
 * tail from here spares parsing back what was just written; the disk stays the durable copy and
 * serves whatever is no longer (or, after a restart, not yet) here. Not thread-safe: the spool's
 * lock guards it.
 */
final class RecentEvents {
    private record Entry(RunEvent event, int length) {
    }

    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;

    RecentEvents(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@code event} follows the newest held one; {@code length} is its size on disk. */
    void add(RunEvent event, int length) {
        if (!entries.isEmpty() && entries.peekLast().event().getSeq() != event.getSeq() - 1) {
            entries.clear();
            bytes = 0;
        }
        entries.addLast(new Entry(event, length));
        bytes += length;
        while (bytes > maxBytes && entries.size() > 1) {
            bytes -= entries.removeFirst().length();
        }
    }

    /** Whether every event from {@code seq} on that the spool holds is here. */
    boolean holds(long seq) {
        return !entries.isEmpty() && entries.peekFirst().event().getSeq() <= seq;
    }

    /** Like {@link Spool#read}: up to {@code maxEvents} events (and about {@code maxBytes}) from {@code seq}. */
    List<RunEvent> read(long seq, int maxEvents, long maxBytes) {
        List<RunEvent> out = new ArrayList<>();
        long taken = 0;
        for (Entry e : entries) {
            if (out.size() >= maxEvents || taken >= maxBytes) {
                break;
            }
            if (e.event().getSeq() >= seq) {
                out.add(e.event());
                taken += e.length();
            }
        }
        return out;
    }

    /** The control plane holds everything up to {@code seq}. */
    void dropUpTo(long seq) {
        while (!entries.isEmpty() && entries.peekFirst().event().getSeq() <= seq) {
            bytes -= entries.removeFirst().length();
        }
    }
}
