package io.flowplane.controlplane.specs;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The instants a schedule fires at. One implementation per schedule kind; the preview, the
 * materialiser, catch-up and backfills all read a schedule through this interface only, so what a
 * user previews is exactly what runs.
 */
public interface Recurrence {

    /** The first instant strictly after {@code after}, or null when the series has ended. */
    Instant next(Instant after);

    ZoneId zone();

    /** Instants in {@code (after, until]}, at most {@code limit} of them, ascending. */
    default List<Instant> between(Instant after, Instant until, int limit) {
        List<Instant> out = new ArrayList<>();
        Instant t = after;
        while (out.size() < limit) {
            t = next(t);
            if (t == null || t.isAfter(until)) {
                break;
            }
            out.add(t);
        }
        return out;
    }
}
