package io.flowplane.controlplane.auth;

import io.flowplane.controlplane.model.Role;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.ApiKey;
import io.flowplane.controlplane.store.ApiKeyDao;
import io.flowplane.controlplane.store.Store;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * API keys: "fp_" and 40 URL-safe random characters, so secret scanners can recognise a leaked
 * one. Only a SHA-256 of the key is stored (a fast hash is right for 240 random bits). Lookups
 * are cached briefly; a revocation on this node takes effect at once, on other replicas within
 * the cache's lifetime.
 */
public final class ApiKeys {
    public static final Pattern FORMAT = Pattern.compile("fp_[A-Za-z0-9_-]{32,}");
    private static final Duration CACHE_TTL = Duration.ofSeconds(10);
    private static final TypeReference<Set<String>> POOLS = new TypeReference<>() { };

    /** A created key: the secret is returned once and never stored. */
    public record Created(ApiKey key, String secret) {
    }

    private record Cached(Optional<Principal> principal, Instant until) {
    }

    private final Store store;
    private final Clock clock;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeys(Store store, Clock clock, ObjectMapper json) {
        this.store = store;
        this.clock = clock;
        this.json = json;
    }

    public Created create(String name, Role role, Set<String> pools) {
        new Validator().required(name, "name")
                .check(name == null || name.length() <= 200, "name", "must be at most 200 characters")
                .check(pools.isEmpty() || role == Role.AGENT, "pools", "only agent keys are limited to pools")
                .throwIfInvalid();
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        String secret = "fp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new Created(store(name, role, pools, secret), secret);
    }

    /** Stores a key whose secret the operator chose (bootstrap from configuration). */
    public ApiKey register(String name, Role role, String secret) {
        if (!FORMAT.matcher(secret).matches()) {
            throw new IllegalArgumentException("an API key must be 'fp_' followed by at least 32 URL-safe characters");
        }
        return store(name, role, Set.of(), secret);
    }

    private ApiKey store(String name, Role role, Set<String> pools, String secret) {
        ApiKey key = new ApiKey(UUID.randomUUID(), name, secret.substring(0, 10), hash(secret), role,
                writePools(pools), clock.instant(), null);
        store.useDao(ApiKeyDao.class, d -> d.insert(key));
        return key;
    }

    public boolean isEmpty() {
        return store.withDao(ApiKeyDao.class, ApiKeyDao::count) == 0;
    }

    /** The principal behind a presented key, or empty if unknown or revoked. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || !FORMAT.matcher(secret).matches()) {
            return Optional.empty();
        }
        String hash = hash(secret);
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        if (cached != null && cached.until.isAfter(now)) {
            return cached.principal;
        }
        Optional<Principal> principal = store.withDao(ApiKeyDao.class, d -> d.findByHash(hash))
                .filter(k -> k.revokedAt() == null)
                .map(k -> new Principal(k.id(), k.name(), k.role(), readPools(k.pools())));
        cache.put(hash, new Cached(principal, now.plus(CACHE_TTL)));
        return principal;
    }

    public List<ApiKey> list() {
        return store.withDao(ApiKeyDao.class, ApiKeyDao::list);
    }

    public ApiKey revoke(UUID id) {
        ApiKey key = store.inTransaction(unit -> {
            ApiKeyDao dao = unit.handle().attach(ApiKeyDao.class);
            dao.revoke(id, clock.instant());
            return dao.find(id).orElseThrow(() -> new NotFoundException("API key", id));
        });
        cache.remove(key.keyHash());
        return key;
    }

    public Set<String> readPools(String pools) {
        try {
            return json.readValue(pools, POOLS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable pool list on API key", e);
        }
    }

    private String writePools(Set<String> pools) {
        try {
            return json.writeValueAsString(new java.util.TreeSet<>(pools));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hash(String secret) {
        return Json.sha256(secret);
    }
}
