package io.flowplane.sdk.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Caps how many task runs carrying a tag execute at once within one flow run (and its subflows).
 * Permits are taken in tag order so two tasks with overlapping tags cannot deadlock.
 */
final class TagLimits {
    private final Map<String, Integer> limits;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    TagLimits(Map<String, Integer> limits) {
        this.limits = limits;
    }

    /** Blocks until a slot of every limited tag is free; returns what to release. */
    List<Semaphore> acquire(List<String> tags) throws InterruptedException {
        if (tags.isEmpty() || limits.isEmpty()) {
            return List.of();
        }
        List<Semaphore> taken = new java.util.ArrayList<>();
        try {
            for (String tag : new TreeSet<>(tags)) {
                Integer limit = limits.get(tag);
                if (limit != null) {
                    Semaphore s = permits.computeIfAbsent(tag, t -> new Semaphore(limit, true));
                    s.acquire();
                    taken.add(s);
                }
            }
            return taken;
        } catch (InterruptedException e) {
            release(taken);
            throw e;
        }
    }

    static void release(List<Semaphore> taken) {
        taken.forEach(Semaphore::release);
    }
}
