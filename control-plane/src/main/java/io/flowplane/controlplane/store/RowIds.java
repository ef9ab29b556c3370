package io.flowplane.controlplane.store;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import java.util.UUID;

/**
 * Ids for rows written at high rates (runs, artifacts): time-ordered UUIDs (version 7). A random
 * UUID lands on a random page of every B-tree keyed by it, so a batch of 500 new runs rewrote
 * about 500 index pages per commit; ordered ids append to the last page or two, which is several
 * times faster to insert on H2 and keeps the file small. They stay unguessable enough for ids
 * (74 random bits) but are not secrets.
 */
public final class RowIds {
    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private RowIds() {
    }

    public static UUID next() {
        return GENERATOR.generate();
    }
}
