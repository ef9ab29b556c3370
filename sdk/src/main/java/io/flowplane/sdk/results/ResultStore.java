package io.flowplane.sdk.results;

import java.time.Instant;
import java.util.Optional;

/**
 * Keeps serialised task and flow results on the customer's side. {@link #put} must be cheap:
 * it runs on the task path, so implementations may write asynchronously, but {@link #get} must
 * see every value put before, and {@link #flush} must return only when everything is stored.
 */
public interface ResultStore {

    /** A cache entry: the result a cache key points to and when it was stored. */
    record CacheEntry(ResultRef ref, Instant storedAt) {
    }

    ResultRef put(byte[] serialized);

    byte[] get(ResultRef ref);

    Optional<CacheEntry> cacheGet(String cacheKey);

    void cachePut(String cacheKey, CacheEntry entry);

    /** Blocks until every value put so far is durably stored. */
    void flush();
}
