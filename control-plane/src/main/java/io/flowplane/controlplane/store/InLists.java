package io.flowplane.controlplane.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Values for an {@code IN (<ids>)} list, padded to a power of two by repeating the last one. A
 * list of n values renders a statement of its own, which H2 and JDBI parse and cache as a new
 * statement; with batches of every size from 1 to a few hundred the hot statements were parsed
 * again almost every time. Padded, there are about ten shapes. A repeated value in an IN list
 * changes nothing the statement selects, locks or updates.
 */
final class InLists {
    private InLists() {
    }

    static <T> List<T> padded(Collection<T> values) {
        List<T> out = new ArrayList<>(values);
        if (out.isEmpty()) {
            return out;
        }
        int size = Integer.highestOneBit(out.size());
        if (size < out.size()) {
            size <<= 1;
        }
        T last = out.get(out.size() - 1);
        while (out.size() < size) {
            out.add(last);
        }
        return out;
    }
}
