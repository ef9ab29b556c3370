package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.Recurrence;
import io.flowplane.controlplane.specs.ScheduleSpec;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stored schedule specs, parsed and compiled once, each with a memory of the instants it
 * computed. Why: the materialiser brings every schedule's runs ahead up to date whenever one
 * passes, walking its series from now over the horizon; at 10,000 one-minute crons that walk
 * (cron-utils plus the time-zone rules) took half of the control plane's CPU exactly when the
 * minute's runs were due, and most of it recomputed instants computed a minute before. Many
 * schedules share one spec (and so one entry); the bound keeps memory small when they do not.
 */
final class CompiledSchedules {
    private static final int MAX_SPECS = 2048;

    private final Json json;
    private final Map<String, Compiled> bySpec = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > MAX_SPECS;
        }
    };

    CompiledSchedules(Json json) {
        this.json = json;
    }

    record Compiled(ScheduleSpec spec, Recurrence recurrence) {
    }

    /** The schedule stored as {@code specJson}, which must be valid (it was validated when stored). */
    synchronized Compiled of(String specJson) {
        Compiled c = bySpec.get(specJson);
        if (c == null) {
            ScheduleSpec spec = json.read(specJson, ScheduleSpec.class);
            c = new Compiled(spec, new Remembering(spec.recurrence()));
            bySpec.put(specJson, c);
        }
        return c;
    }

    /**
     * A recurrence that remembers its last answers. {@code next} is a pure function whose value
     * is constant between fire instants: once {@code next(a) = n} is known, every {@code q} in
     * {@code [a, n)} also has {@code next(q) = n} (no instant lies strictly between a and n).
     * So a query is answered from the nearest remembered {@code a} at or before it.
     */
    static final class Remembering implements Recurrence {
        private static final int MAX_REMEMBERED = 64;
        /** Stands for "the series has ended" (null), which is remembered too. */
        private static final Instant ENDED = Instant.MAX;

        private final Recurrence delegate;
        private final TreeMap<Instant, Instant> known = new TreeMap<>();

        Remembering(Recurrence delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized Instant next(Instant after) {
            Map.Entry<Instant, Instant> floor = known.floorEntry(after);
            if (floor != null && after.isBefore(floor.getValue())) {
                return floor.getValue() == ENDED ? null : floor.getValue();
            }
            Instant n = delegate.next(after);
            known.put(after, n == null ? ENDED : n);
            if (known.size() > MAX_REMEMBERED) {
                // The oldest answers are the ones a scheduler moving forward in time needs least.
                known.pollFirstEntry();
            }
            return n;
        }

        @Override
        public ZoneId zone() {
            return delegate.zone();
        }
    }
}
