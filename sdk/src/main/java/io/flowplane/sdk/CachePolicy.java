package io.flowplane.sdk;

import com.fasterxml.jackson.core.type.TypeReference;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * When a task run may reuse an earlier result instead of running: same cache key, not expired.
 * The key is derived from the task's identity (its name) and its input, or computed by a
 * function you give. The cached value stays in the local result store; {@code resultType} is how
 * it is read back.
 */
public final class CachePolicy<I, R> {
    private final Function<I, String> customKey;
    private final Duration expiration;
    private final Type resultType;

    private CachePolicy(Function<I, String> customKey, Duration expiration, Type resultType) {
        this.customKey = customKey;
        this.expiration = expiration;
        this.resultType = Objects.requireNonNull(resultType, "resultType");
    }

    /** Key from the task's name and its input (serialised to JSON). */
    public static <I, R> CachePolicy<I, R> inputs(Class<R> resultType) {
        return new CachePolicy<>(null, null, resultType);
    }

    /** The same for generic results, e.g. {@code new TypeReference<List<Row>>() {}}. */
    public static <I, R> CachePolicy<I, R> inputs(TypeReference<R> resultType) {
        return new CachePolicy<>(null, null, resultType.getType());
    }

    /** A key you compute from the input (it is still scoped by the task's name). */
    public static <I, R> CachePolicy<I, R> key(Function<I, String> key, Class<R> resultType) {
        return new CachePolicy<>(Objects.requireNonNull(key), null, resultType);
    }

    /** Cached results older than this are ignored and recomputed. */
    public CachePolicy<I, R> expireAfter(Duration expiration) {
        return new CachePolicy<>(customKey, Objects.requireNonNull(expiration), resultType);
    }

    /** Null: use the input-derived key. */
    public Function<I, String> customKey() {
        return customKey;
    }

    /** Null: never expires. */
    public Duration expiration() {
        return expiration;
    }

    public Type resultType() {
        return resultType;
    }
}
